import {
  BackdropError,
  type CallContext,
  type NamedColor,
  type RealtimeConnection,
  type RealtimeConnectionEvents,
  type RealtimeFrame,
  type RealtimeVideoCall,
  type ResolvedBackground,
  titleCaseColor,
  toBackdropError,
} from '@backdrop/core';
import type { FalClient } from '@fal-ai/client';
import type { components } from './generated/fal-bria-video-background-removal-realtime.js';

type RealtimeInput = components['schemas']['RealtimeInput'];

export type FalTokenProvider = (app: string) => Promise<string>;

function backgroundFields(background: ResolvedBackground): Partial<RealtimeInput> {
  switch (background.type) {
    case 'color':
      return { background_type: 'color', background_color: titleCaseColor(background.color as NamedColor) };
    case 'blur':
      return { background_type: 'blur', blur_strength: background.strength };
    case 'image':
      return {
        background_type: 'image',
        background_image_url: background.image.kind === 'url' ? background.image.url : '',
      };
    default:
      return {};
  }
}

/** The frame in an answer: its bytes (`images[0].content`, as fal's template sends) or a URL. */
export function frameOf(result: unknown): RealtimeFrame | undefined {
  const record = (result ?? {}) as { images?: unknown[]; image?: unknown };
  const image = (Array.isArray(record.images) ? record.images[0] : record.image) as
    | { content?: unknown; url?: unknown; content_type?: unknown }
    | undefined;
  if (!image) return undefined;
  const contentType = typeof image.content_type === 'string' ? image.content_type : undefined;
  if (image.content instanceof Uint8Array) return { data: image.content, contentType };
  if (typeof image.url === 'string') return { url: image.url, contentType };
  return undefined;
}

const closeCodeRange = { min: 1001, max: 4999 };

/**
 * Opens a live session on fal through `fal.realtime.connect`: frames out as msgpack with the
 * background fields, processed frames back. A token is fetched first so a failing token provider
 * fails the connect (fal's client would drop frames silently); drops are reported to core, which
 * reconnects.
 */
export function createFalRealtimeConnector(
  getClient: () => FalClient,
  tokenProvider: FalTokenProvider,
  tokenExpirationSeconds: number | undefined,
) {
  return async (
    call: RealtimeVideoCall,
    events: RealtimeConnectionEvents,
    context: CallContext,
  ): Promise<RealtimeConnection> => {
    let firstToken: string | undefined;
    try {
      firstToken = await tokenProvider(call.model);
    } catch (error) {
      const mapped = toBackdropError(error, 'fal');
      throw BackdropError.isInstance(error)
        ? mapped
        : new BackdropError({
            code: 'auth',
            provider: 'fal',
            message: `the fal realtime token provider failed: ${mapped.message}`,
            cause: error,
          });
    }
    let closed = false;
    const connection = getClient().realtime.connect(call.model, {
      connectionKey: crypto.randomUUID(),
      // Core sends the newest frame only when the service has room: no extra throttle here.
      throttleInterval: 0,
      tokenExpirationSeconds,
      tokenProvider: async (app) => {
        const token = firstToken;
        firstToken = undefined;
        return token ?? tokenProvider(app);
      },
      onResult(result: unknown) {
        const frame = frameOf(result);
        if (frame) events.onFrame(frame);
      },
      onError(error) {
        const code = typeof error.status === 'number' ? error.status : undefined;
        if (
          code !== undefined &&
          code >= closeCodeRange.min &&
          code <= closeCodeRange.max &&
          error.message.startsWith('Error closing')
        ) {
          if (!closed) events.onClose({ expected: false, code });
          return;
        }
        if (error.message === 'Unknown error') return; // a socket error; its close follows
        const reason = (error.body as { error?: unknown } | undefined)?.error;
        events.onError(
          new BackdropError({
            code: reason === 'VALIDATION_ERROR' ? 'invalid_input' : 'provider_error',
            provider: 'fal',
            retryable: false,
            message: `fal's live session reported: ${error.message}`,
          }),
        );
      },
    });
    context.signal.addEventListener('abort', () => connection.close(), { once: true });
    return {
      send(frame, background) {
        const fields = backgroundFields(background);
        if (frame instanceof Blob) {
          void frame
            .arrayBuffer()
            .then((bytes) => connection.send({ image_url: new Uint8Array(bytes), ...fields } as never));
          return;
        }
        connection.send({ image_url: frame, ...fields } as never);
      },
      async close() {
        closed = true;
        connection.close();
        events.onClose({ expected: true });
      },
    };
  };
}
