import type {
  MainToUiMessage,
  ResultImage,
  ResultLabel,
  UiToMainMessage,
} from '../shared/plugin-messages.js';

type Answer = Extract<MainToUiMessage, { requestId: number }>;

/** The UI's side of the protocol: posts to Figma's main thread and matches answers to requests. */
export interface MainBridge {
  send(message: UiToMainMessage): void;
  readImage(layerId: string): Promise<Uint8Array>;
  writeResult(write: {
    layerId: string;
    images: ResultImage[];
    label: ResultLabel;
    keepOriginal: boolean;
    backgroundColor?: string | undefined;
  }): Promise<string[]>;
  /** Messages the main thread sends on its own (init, selection changes). */
  onMessage(listener: (message: MainToUiMessage) => void): void;
}

export function createMainBridge(target: Window = parent): MainBridge {
  let nextRequestId = 1;
  const pending = new Map<number, (answer: Answer) => void>();
  const listeners: Array<(message: MainToUiMessage) => void> = [];

  window.addEventListener('message', (event: MessageEvent) => {
    const message = (event.data as { pluginMessage?: MainToUiMessage } | null)?.pluginMessage;
    if (!message) return;
    if ('requestId' in message) {
      pending.get(message.requestId)?.(message);
      pending.delete(message.requestId);
      return;
    }
    for (const listener of listeners) listener(message);
  });

  const send = (message: UiToMainMessage) => target.postMessage({ pluginMessage: message }, '*');

  function request(build: (requestId: number) => UiToMainMessage): Promise<Answer> {
    const requestId = nextRequestId++;
    return new Promise((resolve, reject) => {
      pending.set(requestId, (answer) =>
        answer.type === 'request-failed' ? reject(new Error(answer.message)) : resolve(answer),
      );
      send(build(requestId));
    });
  }

  return {
    send,
    async readImage(layerId) {
      const answer = await request((requestId) => ({ type: 'read-image', requestId, layerId }));
      if (answer.type !== 'image-bytes') throw new Error(`unexpected answer ${answer.type}`);
      return answer.bytes;
    },
    async writeResult(write) {
      const answer = await request((requestId) => ({ type: 'write-result', requestId, ...write }));
      if (answer.type !== 'written') throw new Error(`unexpected answer ${answer.type}`);
      return answer.layerIds;
    },
    onMessage(listener) {
      listeners.push(listener);
    },
  };
}
