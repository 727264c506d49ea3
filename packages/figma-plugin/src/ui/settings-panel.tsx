import { useState } from 'preact/hooks';
import type { ProviderKeys } from '../shared/plugin-messages.js';

export function SettingsPanel(props: {
  keys: ProviderKeys;
  falProxyUrl: string | undefined;
  hasProvider: boolean;
  onSave(keys: ProviderKeys): void;
}) {
  const [draft, setDraft] = useState<ProviderKeys>(props.keys);
  const [saved, setSaved] = useState(false);
  const edit = (field: keyof ProviderKeys) => (event: Event) => {
    setSaved(false);
    setDraft({ ...draft, [field]: (event.currentTarget as HTMLInputElement).value });
  };
  // A button, not a form submit: a sandboxed iframe without allow-forms blocks form submission.
  const save = () => {
    props.onSave({ fal: draft.fal.trim(), inferencesh: draft.inferencesh.trim() });
    setSaved(true);
  };
  return (
    <div class="panel">
      {!props.hasProvider && (
        <p class="notice" role="status">
          Add a fal or inference.sh API key to start: create one in that provider's dashboard, paste it below
          and save.
        </p>
      )}
      {props.falProxyUrl ? (
        <p class="hint">
          fal runs through your team's server, which holds the key: no fal key is needed here.
        </p>
      ) : (
        <label class="field">
          <span>fal API key</span>
          <input
            type="password"
            aria-label="fal API key"
            autocomplete="off"
            spellcheck={false}
            value={draft.fal}
            onInput={edit('fal')}
          />
        </label>
      )}
      <label class="field">
        <span>inference.sh API key</span>
        <input
          type="password"
          aria-label="inference.sh API key"
          autocomplete="off"
          spellcheck={false}
          value={draft.inferencesh}
          onInput={edit('inferencesh')}
        />
      </label>
      <p class="hint">
        Keys are kept in Figma's storage for this plugin on this computer only. It is private to this plugin
        but not encrypted: do not use a shared computer account.
      </p>
      <button type="button" class="primary" onClick={save}>
        Save keys
      </button>
      {saved && <span class="hint">Saved.</span>}
    </div>
  );
}
