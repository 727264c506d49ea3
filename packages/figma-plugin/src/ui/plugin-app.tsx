import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  defaultSettings,
  emptyKeys,
  type ImageLayer,
  type LaunchCommand,
  type MainToUiMessage,
  type PluginSettings,
  type ProviderChoice,
  type ProviderKeys,
  type SelectionSummary,
} from '../shared/plugin-messages.js';
import { describeError } from './describe-error.js';
import { EditPanel, type ReferenceChoice } from './edit-panel.js';
import { describeEstimate, estimateRun } from './estimate-run.js';
import { LayerList } from './layer-list.js';
import type { MainBridge } from './main-bridge.js';
import { createPluginBackdrop } from './plugin-backdrop.js';
import { type LayerState, runLayers } from './run-layers.js';
import { SettingsPanel } from './settings-panel.js';

export interface PluginAppProps {
  bridge: MainBridge;
  falProxyUrl: string | undefined;
}

interface Launch {
  command: LaunchCommand;
  handled: boolean;
}

function runLabel(settings: PluginSettings, count: number): string {
  const action = settings.mode === 'remove' ? 'Remove background' : 'Replace background';
  return count > 1 ? `${action} (${count} layers)` : action;
}

function summaryText(done: number, failed: number, cancelled: number): string {
  const parts = [`${done} done`];
  if (failed) parts.push(`${failed} failed`);
  if (cancelled) parts.push(`${cancelled} cancelled`);
  return parts.join(', ');
}

export function PluginApp({ bridge, falProxyUrl }: PluginAppProps) {
  const [ready, setReady] = useState(false);
  const [tab, setTab] = useState<'edit' | 'settings'>('edit');
  const [settings, setSettings] = useState<PluginSettings>(defaultSettings);
  const [keys, setKeys] = useState<ProviderKeys>(emptyKeys);
  const [selection, setSelection] = useState<SelectionSummary>({ layers: [], skipped: [] });
  const [reference, setReference] = useState<ReferenceChoice>({});
  const [states, setStates] = useState<Record<string, LayerState>>({});
  const [running, setRunning] = useState<AbortController | undefined>();
  const [estimate, setEstimate] = useState<{ text: string; error: boolean }>({ text: '', error: false });
  const [launch, setLaunch] = useState<Launch | undefined>();
  const imageBytes = useRef(new Map<string, Promise<Uint8Array>>());

  const backdrop = useMemo(() => createPluginBackdrop({ keys, falProxyUrl }), [keys, falProxyUrl]);
  const available: ProviderChoice[] = backdrop
    ? (backdrop.providers.map((provider) => provider.provider) as ProviderChoice[])
    : [];
  const secrets = [keys.fal, keys.inferencesh].filter(Boolean);
  const targets: ImageLayer[] =
    settings.mode === 'reference' && reference.layerId
      ? selection.layers.filter((layer) => layer.id !== reference.layerId)
      : selection.layers;

  useEffect(() => {
    bridge.onMessage((message: MainToUiMessage) => {
      if (message.type === 'init') {
        setSettings(message.settings);
        setKeys(message.keys);
        setSelection(message.selection);
        setLaunch({ command: message.command, handled: false });
        setReady(true);
      } else if (message.type === 'selection') {
        // States stay: a designer may click around while layers run; each state is keyed by layer.
        setSelection(message.selection);
      }
    });
    bridge.send({ type: 'ready' });
  }, [bridge]);

  // Without any provider the plugin opens on its settings and says what to do.
  useEffect(() => {
    if (ready && (!backdrop || launch?.command === 'settings')) setTab('settings');
  }, [ready, backdrop, launch]);

  const readBytes = (layer: ImageLayer) => {
    const cached = imageBytes.current.get(layer.imageHash) ?? bridge.readImage(layer.id);
    imageBytes.current.set(layer.imageHash, cached);
    return cached;
  };
  const blobOf = async (layer: ImageLayer) => new Blob([(await readBytes(layer)) as Uint8Array<ArrayBuffer>]);
  const referenceBlob = async (): Promise<Blob | undefined> => {
    if (settings.mode !== 'reference') return undefined;
    if (reference.file) return reference.file.blob;
    const layer = selection.layers.find((candidate) => candidate.id === reference.layerId);
    return layer ? blobOf(layer) : undefined;
  };

  // The price and the provider, from core's routing, before anything is sent.
  useEffect(() => {
    if (!backdrop || targets.length === 0 || running) return;
    // Never show a price for other inputs than the ones on screen.
    setEstimate({ text: 'Estimating…', error: false });
    let current = true;
    const timer = setTimeout(async () => {
      try {
        const images = await Promise.all(targets.map(blobOf));
        const result = await estimateRun(backdrop, settings, images, await referenceBlob());
        if (current) setEstimate({ text: describeEstimate(result), error: false });
      } catch (error) {
        if (current) setEstimate({ text: describeError(error, secrets), error: true });
      }
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [backdrop, settings, selection, reference, running]);

  const changeSettings = (next: PluginSettings) => {
    setSettings(next);
    bridge.send({ type: 'save-settings', settings: next });
  };

  const run = async (runSettings: PluginSettings) => {
    if (!backdrop || targets.length === 0 || running) return;
    const controller = new AbortController();
    setRunning(controller);
    setStates({});
    try {
      const summary = await runLayers({
        backdrop,
        bridge,
        settings: runSettings,
        layers: targets,
        referenceImage: await referenceBlob(),
        signal: controller.signal,
        secrets,
        onState: (layerId, state) => setStates((previous) => ({ ...previous, [layerId]: state })),
      });
      const cost = summary.costUsd ? ` · about $${summary.costUsd.toFixed(3)}` : '';
      bridge.send({
        type: 'notify',
        message: `Backdrop: ${summaryText(summary.done, summary.failed, summary.cancelled)}${cost}`,
        error: summary.done === 0 && summary.failed > 0,
      });
    } finally {
      setRunning(undefined);
    }
  };

  // "Remove background" from a processed layer's properties panel: one click, remembered options.
  useEffect(() => {
    if (!launch || launch.handled || launch.command !== 'remove-background' || !backdrop) return;
    setLaunch({ ...launch, handled: true });
    if (selection.layers.length > 0) void run({ ...settings, mode: 'remove' });
  }, [launch, backdrop]);

  if (!ready) return <p class="hint">Loading…</p>;

  return (
    <main>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'edit'} onClick={() => setTab('edit')}>
          Edit
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'settings'}
          onClick={() => setTab('settings')}
        >
          Settings
        </button>
      </div>
      {tab === 'settings' ? (
        <SettingsPanel
          keys={keys}
          falProxyUrl={falProxyUrl}
          hasProvider={backdrop !== undefined}
          onSave={(next) => {
            setKeys(next);
            bridge.send({ type: 'save-keys', keys: next });
            if (next.fal || next.inferencesh || falProxyUrl) setTab('edit');
          }}
        />
      ) : (
        <>
          <LayerList
            layers={selection.layers}
            skipped={selection.skipped}
            states={states}
            referenceLayerId={settings.mode === 'reference' ? reference.layerId : undefined}
          />
          <EditPanel
            settings={settings}
            layers={selection.layers}
            available={available}
            reference={reference}
            disabled={running !== undefined}
            onChange={changeSettings}
            onReference={setReference}
          />
          <footer class="actions">
            <p
              class={estimate.error ? 'estimate error' : 'estimate'}
              data-testid="estimate"
              aria-live="polite"
            >
              {targets.length > 0 && backdrop ? estimate.text : ''}
            </p>
            {running ? (
              <button type="button" class="secondary" onClick={() => running.abort()}>
                Cancel
              </button>
            ) : (
              <button
                type="button"
                class="primary"
                disabled={!backdrop || targets.length === 0}
                onClick={() => void run(settings)}
              >
                {runLabel(settings, targets.length)}
              </button>
            )}
          </footer>
        </>
      )}
    </main>
  );
}
