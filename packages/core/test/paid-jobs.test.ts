import { describe, expect, it } from 'vitest';
import { BackdropError, createBackdrop, type JobStart } from '../src/index.js';
import { createFakeAdapter } from './support/fake-adapter.js';
import { fastTimings as fast, rejection } from './support/rejection.js';

const image = 'https://cdn.example.com/product.png';
const outputUrl = 'https://files.example.com/result.png';
const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3, 4]);

/** A transport failure as undici reports it: the connection was reset after the request left. */
function resetAfterSending(): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  });
}

function refusedConnection(): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });
}

/** Serves the output URL, failing the first requests as told. */
function outputFetch(failures: Array<'503' | 'cut' | 'reset'>): {
  fetch: typeof fetch;
  requests: () => number;
} {
  let requests = 0;
  const serve: typeof fetch = async (input) => {
    requests++;
    const url = input instanceof Request ? input.url : String(input);
    if (url !== outputUrl) return new Response('not found', { status: 404 });
    const failure = failures.shift();
    if (failure === '503') return new Response('busy', { status: 503, headers: { 'retry-after': '0' } });
    if (failure === 'reset') throw resetAfterSending();
    if (failure === 'cut') {
      // Half the body, then the connection drops, as undici reports it.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(png.subarray(0, 6));
          controller.error(
            new TypeError('terminated', {
              cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
            }),
          );
        },
      });
      return new Response(body, {
        headers: { 'content-type': 'image/png', 'content-length': String(png.byteLength) },
      });
    }
    return new Response(png, { headers: { 'content-type': 'image/png' } });
  };
  return { fetch: serve, requests: () => requests };
}

const urlOutcome = () => ({
  state: 'completed' as const,
  output: { files: [{ url: outputUrl, contentType: 'image/png' }] },
});

describe('a job is never paid for twice', () => {
  it('does not resend a start whose answer was lost after sending, and says so', async () => {
    const adapter = createFakeAdapter({ failures: { start: [toError(resetAfterSending())] } });
    const error = await rejection(
      createBackdrop({ providers: [adapter], ...fast }).removeBackground({ image }),
    );
    expect(adapter.calls.start).toHaveLength(1);
    expect(error.code).toBe('provider_error');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('the job may have started and may be charged, so it was not resent');
  });

  it.each([
    ['a refused connection', () => toError(refusedConnection())],
    ['a 429', () => new BackdropError({ code: 'rate_limited', status: 429, message: 'slow down' })],
    ['a 503', () => new BackdropError({ code: 'provider_error', status: 503, message: 'unavailable' })],
  ])('resends a start the provider surely did not take: %s', async (_label, failure) => {
    const adapter = createFakeAdapter({ synchronous: true, failures: { start: [failure()] } });
    const result = await createBackdrop({ providers: [adapter], ...fast }).removeBackground({ image });
    expect(adapter.calls.start).toHaveLength(2);
    expect(result.provider).toBe('fake');
  });

  it.each([
    ['a 500', () => new BackdropError({ code: 'provider_error', status: 500, message: 'boom' })],
    ['a timeout', () => new BackdropError({ code: 'timeout', message: 'the request timed out' })],
    [
      'a malformed answer',
      () => new BackdropError({ code: 'provider_error', status: 200, message: 'malformed JSON' }),
    ],
  ])('does not resend after %s', async (_label, failure) => {
    const adapter = createFakeAdapter({ synchronous: true, failures: { start: [failure()] } });
    const error = await rejection(
      createBackdrop({ providers: [adapter], ...fast }).removeBackground({ image }),
    );
    expect(adapter.calls.start).toHaveLength(1);
    expect(error.message).toContain('was not resent to avoid paying twice');
  });

  it('resends when the caller chooses to, on the instance or on one call', async () => {
    const once = createFakeAdapter({
      synchronous: true,
      failures: { start: [toError(resetAfterSending())] },
    });
    await createBackdrop({ providers: [once], ...fast, resendUnconfirmedStart: true }).removeBackground({
      image,
    });
    expect(once.calls.start).toHaveLength(2);
    const perCall = createFakeAdapter({
      synchronous: true,
      failures: { start: [toError(resetAfterSending())] },
    });
    await createBackdrop({ providers: [perCall], ...fast }).removeBackground({
      image,
      resendUnconfirmedStart: true,
    });
    expect(perCall.calls.start).toHaveLength(2);
  });

  it('tells onJobAccepted the handle once the provider took the job, before the result, and only then', async () => {
    const accepted: unknown[] = [];
    const adapter = createFakeAdapter({
      failures: { status: Array.from({ length: 10 }, () => toError(resetAfterSending())) },
    });
    const backdrop = createBackdrop({ providers: [adapter], ...fast });
    const error = await rejection(
      backdrop.removeBackground({ image, onJobAccepted: (handle) => accepted.push(handle) }),
    );
    // The result never came, but the handle was told at once: it resumes the job.
    expect(accepted).toEqual([error.handle]);
    expect(accepted[0]).toMatchObject({ provider: 'fake', id: 'fake-job-1' });
    const refused: unknown[] = [];
    const unsent = createFakeAdapter({ failures: { start: [toError(resetAfterSending())] } });
    await rejection(
      createBackdrop({ providers: [unsent], ...fast }).removeBackground({
        image,
        onJobAccepted: (handle) => refused.push(handle),
      }),
    );
    expect(refused).toEqual([]);
  });

  it('keeps the job when the onJobAccepted listener throws, and refuses a listener that is not a function', async () => {
    const adapter = createFakeAdapter({ synchronous: true });
    const backdrop = createBackdrop({ providers: [adapter], ...fast });
    const result = await backdrop.removeBackground({
      image,
      onJobAccepted: () => {
        throw new Error('disk full');
      },
    });
    expect(result.provider).toBe('fake');
    const error = await rejection(
      // @ts-expect-error: a listener must be a function
      backdrop.removeBackground({ image, onJobAccepted: 'save it' }),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.field).toBe('onJobAccepted');
    expect(adapter.calls.start).toHaveLength(1);
  });

  it('never falls back to another provider once a job was accepted', async () => {
    const first = createFakeAdapter({
      provider: 'first',
      failures: { status: Array.from({ length: 10 }, () => toError(resetAfterSending())) },
    });
    const second = createFakeAdapter({ provider: 'second', synchronous: true });
    const error = await rejection(
      createBackdrop({ providers: [first, second], ...fast, fallback: true }).removeBackground({ image }),
    );
    expect(error.handle).toMatchObject({ provider: 'first', id: 'first-job-1' });
    expect(second.calls.start).toHaveLength(0);
  });

  it('keeps separate retry settings per step', async () => {
    const adapter = createFakeAdapter({
      failures: { status: Array.from({ length: 3 }, () => toError(resetAfterSending())) },
    });
    const backdrop = createBackdrop({
      providers: [adapter],
      ...fast,
      retry: { ...fast.retry, maxRetries: 0, status: { maxRetries: 3 } },
    });
    const result = await backdrop.removeBackground({ image });
    expect(result.provider).toBe('fake');
    expect(adapter.calls.status.length).toBeGreaterThanOrEqual(4);
  });
});

describe('a paid result is never lost', () => {
  it.each([
    ['a 503', ['503', '503'] as const],
    ['a body cut half-way', ['cut'] as const],
    ['a reset connection', ['reset', 'cut'] as const],
  ])('retries the output download after %s', async (_label, failures) => {
    const server = outputFetch([...failures]);
    const adapter = createFakeAdapter({ outcome: urlOutcome });
    const result = await createBackdrop({
      providers: [adapter],
      ...fast,
      fetch: server.fetch,
    }).removeBackground({
      image,
      download: true,
    });
    expect(await result.outputs[0]?.bytes()).toEqual(png);
    expect(server.requests()).toBe(failures.length + 1);
  });

  it('a download that fails for good carries the request id and the handle, and resumeJob fetches it without a new job', async () => {
    const server = outputFetch(Array.from({ length: 5 }, () => '503' as const));
    const adapter = createFakeAdapter({ outcome: urlOutcome });
    const backdrop = createBackdrop({ providers: [adapter], ...fast, fetch: server.fetch });
    const error = await rejection(backdrop.removeBackground({ image, download: true }));
    expect(error).toMatchObject({ code: 'provider_error', status: 503, requestId: 'fake-job-1' });
    expect(error.handle).toMatchObject({ provider: 'fake', id: 'fake-job-1', operation: 'removeBackground' });
    expect(JSON.parse(JSON.stringify(error)).handle.id).toBe('fake-job-1');
    const handle = JSON.parse(JSON.stringify(error.handle));
    const result = await backdrop.resumeJob(handle).wait({ download: true });
    expect(await result.outputs[0]?.bytes()).toEqual(png);
    expect(adapter.calls.start).toHaveLength(1);
  });

  it('errors after a job was accepted carry its handle: a failed job, lost status answers', async () => {
    const failing = createFakeAdapter({
      outcome: () => ({
        state: 'failed',
        error: new BackdropError({ code: 'provider_error', retryable: false, message: 'model crashed' }),
      }),
    });
    const failed = await rejection(
      createBackdrop({ providers: [failing], ...fast }).removeBackground({ image }),
    );
    expect(failed).toMatchObject({ requestId: 'fake-job-1', handle: { id: 'fake-job-1' } });
    const lost = createFakeAdapter({
      failures: { status: Array.from({ length: 10 }, () => toError(resetAfterSending())) },
    });
    const error = await rejection(createBackdrop({ providers: [lost], ...fast }).removeBackground({ image }));
    expect(error).toMatchObject({ code: 'network', requestId: 'fake-job-1', handle: { id: 'fake-job-1' } });
  });
});

describe('what a start says reaches the result', () => {
  it('carries JobStart warnings onto the result, and onto a started job', async () => {
    const adapter = createFakeAdapter({ synchronous: true });
    const start = adapter.removeBackground?.start.bind(adapter.removeBackground);
    const warned = {
      ...adapter,
      removeBackground: {
        ...adapter.removeBackground,
        start: async (...args: Parameters<NonNullable<typeof start>>): Promise<JobStart> => ({
          ...(await (start as NonNullable<typeof start>)(...args)),
          warnings: [{ type: 'adjusted', field: 'image', message: 'resized to fit' }],
        }),
      },
    } as typeof adapter;
    const result = await createBackdrop({ providers: [warned], ...fast }).removeBackground({ image });
    expect(result.warnings).toEqual([{ type: 'adjusted', field: 'image', message: 'resized to fit' }]);
  });
});

describe('options for providers that are not there', () => {
  it('refuses providerOptions keyed by a provider that is not configured', async () => {
    const adapter = createFakeAdapter({ synchronous: true });
    const error = await rejection(
      createBackdrop({ providers: [adapter], ...fast }).removeBackground({
        image,
        providerOptions: { fal: { syncMode: true } },
      }),
    );
    expect(error).toMatchObject({ code: 'invalid_input', field: 'providerOptions.fal' });
    expect(error.message).toContain('"fal" is not a configured provider');
    expect(adapter.calls.start).toHaveLength(0);
  });
});

describe('createBackdrop({ fetch }) reaches adapters', () => {
  it('gives every adapter call the fetch and a safe download of caller URLs', async () => {
    const seen: string[] = [];
    const fetchSpy: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response(png, { headers: { 'content-type': 'image/png' } });
    };
    let downloaded: Uint8Array | undefined;
    let refused: BackdropError | undefined;
    const adapter = createFakeAdapter({ synchronous: true });
    const start = adapter.removeBackground?.start.bind(adapter.removeBackground);
    const reading = {
      ...adapter,
      removeBackground: {
        ...adapter.removeBackground,
        start: async (...args: Parameters<NonNullable<typeof start>>): Promise<JobStart> => {
          const [, context] = args;
          downloaded = (await context.download('https://cdn.example.com/in.png', 'image')).bytes;
          refused = await rejection(context.download('http://169.254.169.254/latest/meta-data/', 'image'));
          return (start as NonNullable<typeof start>)(...args);
        },
      },
    } as typeof adapter;
    await createBackdrop({ providers: [reading], ...fast, fetch: fetchSpy }).removeBackground({ image });
    expect(downloaded).toEqual(png);
    expect(seen).toEqual(['https://cdn.example.com/in.png']);
    expect(refused).toMatchObject({ code: 'invalid_input', field: 'image' });
  });
});

function toError(thrown: unknown): BackdropError {
  // Adapters throw what fetch threw; core normalizes it. Here the fake throws the raw error.
  return thrown as BackdropError;
}
