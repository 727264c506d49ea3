import { BackdropError, type CallContext, resolveFetch } from '@backdrop/core/provider';
import { createFalFetch } from './fal-fetch.js';
import { readServerSentData } from './fal-status-stream.js';

export interface FalQueueStatus {
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';
  request_id?: string;
  queue_position?: number;
  logs?: Array<{ message: string }> | null;
}

export interface FalAccess {
  credentials: string | undefined;
  proxyUrl: string | undefined;
  /** The adapter's own fetch; else the call's (`createBackdrop({ fetch })`), else the global one. */
  fetch: typeof fetch | undefined;
}

export interface FalSubmitOptions {
  webhookUrl?: string | undefined;
  priority?: 'low' | 'normal' | undefined;
  startTimeoutSeconds?: number | undefined;
}

/**
 * fal's queue over plain REST (https://docs.fal.ai/model-apis/model-endpoints/queue): submit,
 * status, result and cancel, each sent exactly once. Retries are core's, per step, so a submit
 * whose answer was lost is never resent behind the caller's back (the client's queue calls retry
 * with fixed settings no public option turns off).
 */
export interface FalQueueClient {
  submit(
    endpoint: string,
    input: unknown,
    options: FalSubmitOptions,
    context: CallContext,
  ): Promise<FalQueueStatus>;
  status(endpoint: string, requestId: string, context: CallContext): Promise<FalQueueStatus>;
  /**
   * The queue's status stream: each status as fal sends it, to COMPLETED, where fal closes it.
   * It ends early (without COMPLETED) when the stream stays silent past `streamIdleMs`.
   */
  streamStatus(endpoint: string, requestId: string, context: CallContext): AsyncGenerator<FalQueueStatus>;
  result(
    endpoint: string,
    requestId: string,
    context: CallContext,
  ): Promise<{ data: unknown; requestId: string }>;
  cancel(endpoint: string, requestId: string, context: CallContext): Promise<void>;
}

const queueOrigin = 'https://queue.fal.run';
/** fal sends a comment every 15 s: three missed in a row means the stream is stuck. */
const streamIdleMs = 45_000;
const namespaces = new Set(['workflows', 'comfy']);

/** Status, result and cancel live under owner/alias (and a namespace), as fal's clients address them. */
function appPath(endpoint: string): string {
  const parts = endpoint.split('/');
  return parts.slice(0, namespaces.has(parts[0] ?? '') ? 3 : 2).join('/');
}

export function createFalQueueClient(access: FalAccess): FalQueueClient {
  async function send(
    method: 'GET' | 'POST' | 'PUT',
    target: string,
    context: CallContext,
    init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    if (!access.credentials && !access.proxyUrl) {
      throw new BackdropError({
        code: 'auth',
        provider: 'fal',
        message:
          'fal has no credentials: set FAL_KEY, pass createFal({ credentials }), or send calls through a proxyUrl',
      });
    }
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (access.credentials) headers.authorization = `Key ${access.credentials}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    // Through a proxy (fal's server-proxy protocol) the target travels in a header.
    if (access.proxyUrl) headers['x-fal-target-url'] = target;
    const falFetch = createFalFetch(resolveFetch(access.fetch, context.fetch));
    return falFetch(access.proxyUrl ?? target, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal ?? context.signal,
    });
  }

  const requestUrl = (endpoint: string, requestId: string, suffix = '') =>
    `${queueOrigin}/${appPath(endpoint)}/requests/${encodeURIComponent(requestId)}${suffix}`;

  return {
    async submit(endpoint, input, options, context) {
      const query = options.webhookUrl ? `?${new URLSearchParams({ fal_webhook: options.webhookUrl })}` : '';
      const headers: Record<string, string> = { 'x-fal-queue-priority': options.priority ?? 'normal' };
      if (options.startTimeoutSeconds !== undefined)
        headers['x-fal-request-timeout'] = String(options.startTimeoutSeconds);
      const response = await send('POST', `${queueOrigin}/${endpoint}${query}`, context, {
        body: input,
        headers,
      });
      return (await response.json()) as FalQueueStatus;
    },
    async status(endpoint, requestId, context) {
      const response = await send('GET', requestUrl(endpoint, requestId, '/status?logs=1'), context);
      return (await response.json()) as FalQueueStatus;
    },
    async *streamStatus(endpoint, requestId, context) {
      // Ends on the call's abort, or when the stream goes silent for too long.
      const stream = new AbortController();
      const onAbort = () => stream.abort(context.signal.reason);
      context.signal.addEventListener('abort', onAbort, { once: true });
      if (context.signal.aborted) onAbort();
      let idleTimer: ReturnType<typeof setTimeout> | undefined;
      let stuck = false;
      const stillAlive = () => {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => {
          stuck = true;
          stream.abort();
        }, streamIdleMs);
      };
      stillAlive();
      try {
        const response = await send(
          'GET',
          requestUrl(endpoint, requestId, '/status/stream?logs=1'),
          context,
          {
            headers: { accept: 'text/event-stream' },
            signal: stream.signal,
          },
        );
        if (!response.body) return;
        for await (const data of readServerSentData(response.body, stillAlive)) {
          yield JSON.parse(data) as FalQueueStatus;
        }
      } catch (error) {
        // A stuck stream ends here, without a status: the caller polls instead.
        if (stuck && !context.signal.aborted) return;
        throw error;
      } finally {
        clearTimeout(idleTimer);
        context.signal.removeEventListener('abort', onAbort);
      }
    },
    async result(endpoint, requestId, context) {
      const response = await send('GET', requestUrl(endpoint, requestId), context);
      return {
        data: await response.json(),
        requestId: response.headers.get('x-fal-request-id') ?? requestId,
      };
    },
    async cancel(endpoint, requestId, context) {
      const response = await send('PUT', requestUrl(endpoint, requestId, '/cancel'), context);
      await response.body?.cancel();
    },
  };
}
