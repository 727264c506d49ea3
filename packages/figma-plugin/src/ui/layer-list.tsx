import type { ImageLayer, SkippedLayer } from '../shared/plugin-messages.js';
import type { LayerState } from './run-layers.js';

function describeState(state: LayerState | undefined): string {
  switch (state?.phase) {
    case undefined:
      return '';
    case 'waiting':
      return 'Waiting';
    case 'uploading':
      return `Uploading ${state.percent}%`;
    case 'queued':
      return state.position === undefined ? 'Queued' : `Queued, ${state.position} ahead`;
    case 'running':
      return state.percent === undefined ? 'Running' : `Running ${state.percent}%`;
    case 'downloading':
      return state.percent === undefined ? 'Downloading' : `Downloading ${state.percent}%`;
    case 'writing':
      return 'Placing in the file';
    case 'done':
      return [
        'Done',
        state.costUsd === undefined ? '' : ` · $${state.costUsd.toFixed(3)}`,
        state.note ? `. ${state.note}` : '',
      ].join('');
    case 'failed':
      return state.message;
    case 'cancelled':
      return 'Cancelled';
  }
}

export function LayerList(props: {
  layers: readonly ImageLayer[];
  skipped: readonly SkippedLayer[];
  states: Readonly<Record<string, LayerState>>;
  referenceLayerId?: string | undefined;
}) {
  if (props.layers.length === 0) {
    return (
      <p class="hint" data-testid="empty-selection">
        Select one or more layers with an image fill (a placed photo, a rectangle or a frame).
        {props.skipped.length > 0
          ? ` ${props.skipped.map((layer) => `"${layer.name}": ${layer.reason}`).join('; ')}.`
          : ''}
      </p>
    );
  }
  return (
    <ul class="layers" aria-label="Selected image layers">
      {props.layers.map((layer) => {
        const state = props.states[layer.id];
        return (
          <li key={layer.id} data-layer-id={layer.id} data-phase={state?.phase ?? 'idle'}>
            <span class="layer-name">
              {layer.name}
              {layer.id === props.referenceLayerId ? ' (reference)' : ''}
            </span>
            <span class={`layer-state ${state?.phase === 'failed' ? 'error' : ''}`}>
              {describeState(state)}
            </span>
          </li>
        );
      })}
      {props.skipped.map((layer) => (
        <li key={layer.id} class="skipped" data-layer-id={layer.id} data-phase="skipped">
          <span class="layer-name">{layer.name}</span>
          <span class="layer-state">Skipped: {layer.reason}</span>
        </li>
      ))}
    </ul>
  );
}
