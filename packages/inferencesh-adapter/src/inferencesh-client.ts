import { BackdropError, type CallContext, resolveFetch, toBackdropError } from '@backdrop/core/provider';
import { mapInferenceShFailure } from './inferencesh-error.js';
import { readNdjson } from './inferencesh-ndjson.js';

export interface InferenceShClientOptions {
  apiKey: string | undefined;
  baseUrl: string;
  /** The adapter's own fetch; else each call's (`createBackdrop({ fetch })`), else `defaultFetch`. */
  fetch: typeof fetch | undefined;
  /** Used when nobody chose a fetch (the Node entry's keep-alive agent). */
  defaultFetch?: typeof fetch | undefined;
  /** 1: the `{success, status, data}` envelope (default); 2: bare DTOs and problem+json errors. */
  apiVersion: 1 | 2;
}

/** The task API's transport: auth, both envelopes, error mapping, NDJSON streams. */
export interface InferenceShClient {
  call<T>(method: 'GET' | 'POST', path: string, body: unknown, context: CallContext): Promise<T>;
  stream(path: string, context: CallContext): AsyncGenerator<unknown>;
  upload(url: string, data: Blob, contentType: string, context: CallContext): Promise<void>;
}

/** Unwraps the v1 envelope; a v2 answer is the DTO itself. */
function unwrap(body: unknown): unknown {
  if (body && typeof body === 'object' && 'success' in body && 'data' in body)
    return (body as { data: unknown }).data;
  return body;
}

export function createInferenceShClient(options: InferenceShClientOptions): InferenceShClient {
  const requireKey = (): string => {
    if (!options.apiKey) {
      throw new BackdropError({
        code: 'auth',
        provider: 'inferencesh',
        message: 'inference.sh has no API key: set INFERENCE_API_KEY or pass createInferenceSh({ apiKey })',
      });
    }
    return options.apiKey;
  };

  const fetchFor = (context: CallContext): typeof fetch =>
    resolveFetch(options.fetch, context.fetch, options.defaultFetch);

  async function send(
    method: string,
    url: string,
    init: RequestInit,
    action: string,
    context: CallContext,
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetchFor(context)(url, { ...init, method, signal: context.signal });
    } catch (error) {
      throw toBackdropError(error, 'inferencesh');
    }
    if (response.ok) return response;
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = { detail: text.slice(0, 200) };
    }
    throw mapInferenceShFailure({ status: response.status, body, headers: response.headers, action });
  }

  const headers = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${requireKey()}`,
    ...(options.apiVersion === 2 ? { 'x-api-version': '2' } : {}),
    ...extra,
  });

  return {
    async call<T>(method: 'GET' | 'POST', path: string, body: unknown, context: CallContext): Promise<T> {
      const action = `${method} ${path}`;
      const response = await send(
        method,
        `${options.baseUrl}${path}`,
        {
          headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
          body: body === undefined ? undefined : JSON.stringify(body),
        },
        action,
        context,
      );
      const text = await response.text();
      try {
        return unwrap(JSON.parse(text)) as T;
      } catch {
        throw new BackdropError({
          code: 'provider_error',
          provider: 'inferencesh',
          status: response.status,
          message: `inference.sh answered ${action} with malformed JSON`,
        });
      }
    },

    async *stream(path: string, context: CallContext): AsyncGenerator<unknown> {
      const response = await send(
        'GET',
        `${options.baseUrl}${path}`,
        { headers: headers({ accept: 'application/x-ndjson' }) },
        `GET ${path}`,
        context,
      );
      if (!response.body) return;
      yield* readNdjson(response.body);
    },

    async upload(url: string, data: Blob, contentType: string, context: CallContext): Promise<void> {
      // The upload URL is pre-signed: it takes no Authorization.
      const response = await send(
        'PUT',
        url,
        { headers: { 'content-type': contentType }, body: data },
        'uploading a file',
        context,
      );
      await response.body?.cancel();
    },
  };
}
