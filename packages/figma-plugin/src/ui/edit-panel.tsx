import { countWords } from '@backdrop/core';
import type { EditMode, ImageLayer, PluginSettings, ProviderChoice } from '../shared/plugin-messages.js';

const modeLabels: Readonly<Record<EditMode, string>> = {
  remove: 'Remove',
  prompt: 'Prompt',
  reference: 'Reference',
  color: 'Colour',
};

/** The reference image: another selected layer, or a file picked or dropped. */
export interface ReferenceChoice {
  layerId?: string | undefined;
  file?: { name: string; blob: Blob } | undefined;
}

export function EditPanel(props: {
  settings: PluginSettings;
  layers: readonly ImageLayer[];
  available: readonly ProviderChoice[];
  reference: ReferenceChoice;
  disabled: boolean;
  onChange(settings: PluginSettings): void;
  onReference(reference: ReferenceChoice): void;
}) {
  const { settings } = props;
  const set = <K extends keyof PluginSettings>(key: K, value: PluginSettings[K]) =>
    props.onChange({ ...settings, [key]: value });
  const value = (event: Event) => (event.currentTarget as HTMLInputElement).value;
  const words = countWords(settings.prompt);
  const pickFile = (file: File | undefined) => {
    if (file) props.onReference({ file: { name: file.name, blob: file } });
  };

  return (
    <fieldset class="panel" disabled={props.disabled}>
      <div class="modes" role="radiogroup" aria-label="What to do">
        {(Object.keys(modeLabels) as EditMode[]).map((mode) => (
          <label key={mode} class={settings.mode === mode ? 'mode selected' : 'mode'}>
            <input
              type="radio"
              name="mode"
              value={mode}
              checked={settings.mode === mode}
              onChange={() => set('mode', mode)}
            />
            {modeLabels[mode]}
          </label>
        ))}
      </div>

      {settings.mode === 'prompt' && (
        <>
          <label class="field">
            <span>Prompt</span>
            <textarea
              aria-label="Prompt"
              rows={3}
              value={settings.prompt}
              placeholder="On a white marble counter, soft morning light"
              onInput={(event) => set('prompt', value(event))}
            />
            <small class="hint" data-testid="word-count">
              {words} {words === 1 ? 'word' : 'words'}
            </small>
          </label>
          <label class="field">
            <span>Negative prompt</span>
            <input
              type="text"
              aria-label="Negative prompt"
              value={settings.negativePrompt}
              placeholder="What to keep out of the scene"
              onInput={(event) => set('negativePrompt', value(event))}
            />
          </label>
        </>
      )}

      {settings.mode === 'reference' && (
        // biome-ignore lint/a11y/noStaticElementInteractions: a drop target for files; the file input inside is the keyboard path.
        <div
          class="field drop-zone"
          onDragOver={(event) => event.preventDefault()}
          onDrop={(event) => {
            event.preventDefault();
            pickFile(event.dataTransfer?.files[0]);
          }}
        >
          <label class="field">
            <span>Reference image</span>
            <select
              aria-label="Reference image"
              value={props.reference.file ? 'file' : (props.reference.layerId ?? '')}
              onChange={(event) => {
                const choice = value(event);
                props.onReference(choice === '' || choice === 'file' ? {} : { layerId: choice });
              }}
            >
              <option value="">
                {props.reference.file ? props.reference.file.name : 'A file (pick or drop it here)'}
              </option>
              {props.layers.map((layer) => (
                <option key={layer.id} value={layer.id}>
                  Layer: {layer.name}
                </option>
              ))}
            </select>
          </label>
          <input
            type="file"
            aria-label="Reference image file"
            accept="image/png,image/jpeg,image/webp"
            onChange={(event) => pickFile((event.currentTarget as HTMLInputElement).files?.[0])}
          />
        </div>
      )}

      {(settings.mode === 'prompt' || settings.mode === 'reference') && (
        <div class="row">
          <label class="field">
            <span>Variations</span>
            <select
              aria-label="Variations"
              value={String(settings.variations)}
              onChange={(event) => set('variations', Number(value(event)))}
            >
              {[1, 2, 3, 4].map((count) => (
                <option key={count} value={count}>
                  {count}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>Seed</span>
            <input
              type="text"
              aria-label="Seed"
              inputMode="numeric"
              placeholder="Random"
              value={settings.seed}
              onInput={(event) => set('seed', value(event))}
            />
          </label>
        </div>
      )}

      {settings.mode === 'color' && (
        <label class="field">
          <span>Background colour</span>
          <span class="row">
            <input
              type="color"
              aria-label="Background colour"
              value={settings.color}
              onInput={(event) => set('color', value(event))}
            />
            <code>{settings.color}</code>
          </span>
        </label>
      )}

      <label class="field">
        <span>Provider</span>
        <select
          aria-label="Provider"
          value={settings.provider}
          onChange={(event) => set('provider', value(event) as ProviderChoice)}
        >
          <option value="auto">Automatic (the first that can)</option>
          <option value="fal" disabled={!props.available.includes('fal')}>
            fal{props.available.includes('fal') ? '' : ' (no key)'}
          </option>
          <option value="inferencesh" disabled={!props.available.includes('inferencesh')}>
            inference.sh{props.available.includes('inferencesh') ? '' : ' (no key)'}
          </option>
        </select>
      </label>

      <label class="check">
        <input
          type="checkbox"
          checked={settings.keepOriginal}
          onChange={(event) => set('keepOriginal', (event.currentTarget as HTMLInputElement).checked)}
        />
        Keep original (the result goes on a copy above it)
      </label>
    </fieldset>
  );
}
