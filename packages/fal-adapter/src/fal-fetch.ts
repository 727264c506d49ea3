import { BackdropError, toBackdropError } from '@backdrop/core/provider';
import { mapFalHttpFailure } from './fal-error.js';

function describeTarget(input: Parameters<typeof fetch>[0], init: RequestInit | undefined): string {
  const isRequest = input instanceof Request;
  const method = init?.method ?? (isRequest ? input.method : 'GET');
  const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
  // Through a proxy the real target is in a header; report that rather than the proxy.
  const target = new URL(headers.get('x-fal-target-url') ?? (isRequest ? input.url : String(input)));
  return `${method.toUpperCase()} ${target.host}${target.pathname}`;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text === '' ? undefined : { message: text.slice(0, 200) };
  }
}

/**
 * The fetch of every fal call (the queue over REST, and @fal-ai/client's storage with its retries
 * off): each failed answer and transport failure becomes a BackdropError, so retries happen once,
 * in core, with Retry-After and the request id kept. JSON answers are checked to parse, so a
 * malformed body is a retryable provider error (core still never resends a start after one).
 */
export function createFalFetch(baseFetch: typeof fetch): typeof fetch {
  return async (input, init) => {
    const action = describeTarget(input, init);
    let response: Response;
    try {
      response = await baseFetch(input, init);
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'AbortError' || name === 'TimeoutError') throw error;
      const mapped = toBackdropError(error, 'fal');
      throw mapped.with({
        code: mapped.code === 'provider_error' ? 'network' : mapped.code,
        retryable: true,
        message: `${mapped.message} (${action})`,
      });
    }
    if (!response.ok) {
      throw mapFalHttpFailure({
        status: response.status,
        body: await readBody(response),
        headers: response.headers,
        action,
      });
    }
    if (!(response.headers.get('content-type') ?? '').includes('application/json')) return response;
    const text = await response.text();
    try {
      JSON.parse(text);
    } catch {
      throw new BackdropError({
        code: 'provider_error',
        provider: 'fal',
        status: response.status,
        requestId: response.headers.get('x-fal-request-id') ?? undefined,
        message: `fal answered ${action} with malformed JSON`,
      });
    }
    return new Response(text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
