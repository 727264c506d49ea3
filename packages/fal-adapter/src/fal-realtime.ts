import {
  BackdropError,
  type CallContext,
  type RealtimeConnection,
  type RealtimeConnectionEvents,
  type RealtimeFrame,
  type RealtimeVideoCall,
} from '@backdrop/core';
import type { FalClient } from '@fal-ai/client';
import { decode } from '@msgpack/msgpack';
import type { FalBackgroundFields } from './fal-realtime-background.js';
import type { FalConnectionKeys } from './fal-realtime-connection-keys.js';
import { encodeFalFrame } from './fal-realtime-frame.js';
import type { FalRealtimeTokens } from './fal-realtime-tokens.js';

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

/** What fal's client hands `decodeMessage`: msgpack bytes (a Blob in browsers) or JSON text. */
async function decodeFalMessage(data: unknown): Promise<unknown> {
  if (typeof data === 'string') return JSON.parse(data);
  if (data instanceof Uint8Array) return decode(data);
  if (data instanceof ArrayBuffer) return decode(new Uint8Array(data));
  if (typeof Blob !== 'undefined' && data instanceof Blob)
    return decode(new Uint8Array(await data.arrayBuffer()));
  return data;
}

/**
 * A server message after which fal's app closes the connection with code 1000, which fal's
 * client neither reports nor recovers from until the next send: an `x-fal-error` (a refused or
 * failed frame; `TIMEOUT` when the app timed the connection out) or `Unauthorized`.
 */
function endingOf(message: unknown): { cause?: BackdropError; unauthorized?: boolean } | undefined {
  const record = (message ?? {}) as { type?: unknown; status?: unknown; error?: unknown; reason?: unknown };
  if (record.status === 'error' && record.error === 'Unauthorized') {
    return {
      unauthorized: true,
      cause: new BackdropError({
        code: 'auth',
        provider: 'fal',
        message: "fal refused the live session's token (Unauthorized)",
      }),
    };
  }
  if (record.type !== 'x-fal-error') return undefined;
  if (record.error === 'TIMEOUT') return {};
  const reason = typeof record.reason === 'string' ? record.reason : String(record.error);
  return {
    cause: new BackdropError({
      code: record.error === 'VALIDATION_ERROR' ? 'invalid_input' : 'provider_error',
      provider: 'fal',
      retryable: false,
      message: `fal's live session refused a frame: ${String(record.error)}: ${reason}`,
    }),
  };
}

const closeCodeRange = { min: 1001, max: 4999 };
/** How long close() waits for the socket's close handshake. */
const closeWaitMs = 2_000;

export interface FalRealtimeConnectorOptions {
  getClient: () => FalClient;
  tokens: FalRealtimeTokens;
  keys: FalConnectionKeys;
  backgrounds: FalBackgroundFields;
}

/** fal's client asks tokens for the app id with its path, as fal's docs' token routes expect. */
function socketAppOf(model: string): string {
  return model.endsWith('/realtime') ? model : `${model}/realtime`;
}

/**
 * Opens a live session on fal through `fal.realtime.connect`: frames out as msgpack maps whose
 * file fields are strings (fal's schema), processed frames back. A fresh token is fetched first,
 * so a failing token provider fails the connect (fal's client would drop frames silently).
 * Every end of the connection, including fal's 1000 closes that the client keeps quiet, is
 * reported to core at once: core frees the frames in flight and reconnects.
 */
export function createFalRealtimeConnector(options: FalRealtimeConnectorOptions) {
  const { tokens, keys, backgrounds } = options;
  return async (
    call: RealtimeVideoCall,
    events: RealtimeConnectionEvents,
    context: CallContext,
  ): Promise<RealtimeConnection> => {
    const app = socketAppOf(call.model);
    await tokens.fresh(app);
    await backgrounds.prepare(call.background);
    const key = keys.acquire(call.model);
    let retired = false;
    let sentAnything = false;
    let sending: Promise<void> = Promise.resolve();
    let socketClosed: () => void = () => {};
    const socketGone = new Promise<void>((resolve) => {
      socketClosed = resolve;
    });

    // Retires this fal connection for good: its state machine goes idle and its key is given
    // back, reusable at once if no socket was ever opened for it.
    const retire = () => {
      if (retired) return false;
      retired = true;
      connection.close();
      keys.release(key, call.model, !sentAnything);
      return true;
    };
    const ended = (code: number, cause?: BackdropError) => {
      if (retire()) events.onClose({ expected: false, code, cause });
    };

    const connection = options.getClient().realtime.connect(call.model, {
      connectionKey: key,
      // Core sends the newest frame only when the service has room: no extra throttle here.
      throttleInterval: 0,
      // Tokens come through the adapter's cache, which replaces one near expiry before use;
      // fal's own refresh timer would fetch tokens it never uses. (For a reused key fal keeps
      // the first connect's tokenProvider: it must hold no state of this connection.)
      tokenProvider: (socketApp) => tokens.fresh(socketApp),
      async decodeMessage(data: unknown) {
        const message = await decodeFalMessage(data);
        const ending = retired ? undefined : endingOf(message);
        if (ending) {
          if (ending.unauthorized) tokens.refused();
          else if (ending.cause) events.onError(ending.cause);
          ended(1000, ending.cause);
        }
        return message;
      },
      onResult(result: unknown) {
        if (retired) return;
        const frame = frameOf(result);
        if (frame) events.onFrame(frame);
      },
      onError(error) {
        const code = typeof error.status === 'number' ? error.status : undefined;
        const isClose = code !== undefined && error.message.startsWith('Error closing');
        if (retired) {
          // Our own close of an open socket ends with 1005: the socket is gone, the key reusable.
          if (isClose) {
            keys.settled(key);
            socketClosed();
          }
          return;
        }
        if (isClose && code >= closeCodeRange.min && code <= closeCodeRange.max) {
          ended(code);
          return;
        }
        if (error.message === 'Unknown error') return; // a socket error; its close follows
        if ((error.body as { type?: unknown } | undefined)?.type === 'x-fal-error') return; // seen in decodeMessage
        events.onError(
          new BackdropError({
            code: 'provider_error',
            provider: 'fal',
            retryable: false,
            message: `fal's live session reported: ${error.message}`,
          }),
        );
      },
    });
    context.signal.addEventListener(
      'abort',
      () => {
        if (retire()) events.onClose({ expected: true });
      },
      { once: true },
    );

    return {
      send(frame, background) {
        const fields = backgrounds.fields(background);
        const encoded = encodeFalFrame(frame);
        sentAnything = true;
        // A Blob is read first: later frames wait their turn, so frames leave in order.
        sending = sending
          .then(async () => {
            const imageUrl = await encoded;
            if (!retired) connection.send({ ...fields, image_url: imageUrl });
          })
          .catch((error: unknown) =>
            events.onError(
              new BackdropError({
                code: 'invalid_input',
                field: 'frame',
                provider: 'fal',
                message: `frame: the Blob could not be read (${String(error)})`,
              }),
            ),
          );
      },
      async close() {
        if (!retire()) return;
        events.onClose({ expected: true });
        if (!sentAnything) return;
        // Closed means closed: wait (briefly) for the socket to finish closing.
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          socketGone,
          new Promise((resolve) => {
            timer = setTimeout(resolve, closeWaitMs);
          }),
        ]);
        clearTimeout(timer);
      },
    };
  };
}
