// The plugin's main thread, in Figma's sandbox (no DOM, no network of its own here): selection,
// image bytes, writing results, storage and notifications. Everything that talks to a provider
// runs in the UI iframe, through @backdrop/core.
import type { LaunchCommand, MainToUiMessage, UiToMainMessage } from '../shared/plugin-messages.js';
import { readLayerImage, summarizeSelection } from './image-layers.js';
import { loadKeys, loadSettings, saveKeys, saveSettings } from './settings-store.js';
import { writeResult } from './write-result.js';

const launchCommands: readonly string[] = ['open', 'remove-background', 'settings'];

function post(message: MainToUiMessage): void {
  figma.ui.postMessage(message);
}

function currentSelection() {
  return summarizeSelection(figma.currentPage.selection);
}

/** Errors go back to the UI in words; they never carry a key (the main thread holds none in errors). */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function answer(message: UiToMainMessage): Promise<void> {
  switch (message.type) {
    case 'ready': {
      const [settings, keys] = await Promise.all([
        loadSettings(figma.clientStorage),
        loadKeys(figma.clientStorage),
      ]);
      const command = (launchCommands.includes(figma.command) ? figma.command : 'open') as LaunchCommand;
      post({ type: 'init', command, settings, keys, selection: currentSelection() });
      return;
    }
    case 'read-image':
      try {
        post({
          type: 'image-bytes',
          requestId: message.requestId,
          bytes: await readLayerImage(figma, message.layerId),
        });
      } catch (error) {
        post({ type: 'request-failed', requestId: message.requestId, message: describe(error) });
      }
      return;
    case 'write-result':
      try {
        const layerIds = await writeResult(figma, message);
        post({ type: 'written', requestId: message.requestId, layerIds });
      } catch (error) {
        post({ type: 'request-failed', requestId: message.requestId, message: describe(error) });
      }
      return;
    case 'save-settings':
      await saveSettings(figma.clientStorage, message.settings);
      return;
    case 'save-keys':
      await saveKeys(figma.clientStorage, message.keys);
      return;
    case 'notify':
      figma.notify(message.message, { error: message.error === true, timeout: 4000 });
      return;
  }
}

figma.showUI(__html__, { width: 380, height: 620, themeColors: true, title: 'Backdrop' });
figma.ui.onmessage = (message: UiToMainMessage) => {
  void answer(message);
};
figma.on('selectionchange', () => post({ type: 'selection', selection: currentSelection() }));
