import { createBackdrop } from '@backdrop/core';
import { makeSampleImage, readFixture } from '@backdrop/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFal } from '../src/index.js';
import { type FalHarness, rejection, startFalHarness } from './support/fal-setup.js';

let harness: FalHarness;
afterEach(() => harness?.emulator.close());

const submits = () =>
  harness.apiCalls().filter((call) => call === 'POST queue.fal.run/fal-ai/bria/background/remove');

describe('fal error mapping', () => {
  it('maps a model 422 to invalid_input with the normalized field, and the request id', async () => {
    harness = await startFalHarness();
    const missingReference = `${harness.emulator.origin}/files/missing/ref.png`;
    const error = await rejection(
      harness.backdrop.replaceBackground({
        image: await readFixture('ruby_mug.jpg'),
        referenceImage: missingReference,
      }),
    );
    expect(error).toMatchObject({
      code: 'invalid_input',
      field: 'referenceImage',
      provider: 'fal',
      status: 422,
    });
    expect(error.message).toContain('referenceImage: Failed to download the file');
    expect(error.message).toContain('file_download_error');
    const [job] = harness.emulator.jobs.values();
    expect(error.requestId).toBe(job?.id);
    expect(error.retryable).toBe(false);
  });

  it('maps a submit-time validation 422 back to the normalized field', async () => {
    harness = await startFalHarness();
    harness.emulator.faults.add({
      operation: 'submit',
      fault: {
        type: 'status',
        status: 422,
        body: {
          detail: [
            {
              loc: ['body', 'num_images'],
              msg: 'Input should be less than or equal to 4',
              type: 'less_than_equal',
            },
          ],
        },
      },
    });
    const error = await rejection(
      harness.backdrop.replaceBackground({ image: await readFixture('ruby_mug.jpg'), prompt: 'x', count: 2 }),
    );
    expect(error).toMatchObject({ code: 'invalid_input', field: 'count', status: 422 });
    expect(error.message).toContain('count: Input should be less than or equal to 4 (less_than_equal)');
  });

  it('maps a content policy violation to moderation, never retried', async () => {
    harness = await startFalHarness();
    const error = await rejection(
      harness.backdrop.replaceBackground({
        image: await readFixture('ruby_mug.jpg'),
        prompt: 'a forbidden-content scene',
        count: 2,
      }),
    );
    expect(error).toMatchObject({ code: 'moderation', field: 'prompt', retryable: false, provider: 'fal' });
    expect(error.message).toBe(
      "prompt: fal's content checker refused it (content_policy_violation); change the prompt and try again",
    );
    expect(harness.emulator.jobs.size).toBe(1);
  });

  it('maps a wrong key to auth without ever showing the key', async () => {
    harness = await startFalHarness({ fal: { credentials: 'wrong-secret-key-123' } });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: 'https://cdn.example.com/a.png' }),
    );
    expect(error).toMatchObject({ code: 'auth', status: 401, retryable: false });
    expect(error.message).toContain('check FAL_KEY');
    expect(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`).not.toContain(
      'wrong-secret-key-123',
    );
    expect(submits()).toHaveLength(1);
  });

  it('maps a forbidden key (403) to auth', async () => {
    harness = await startFalHarness({ emulator: { forbiddenKeys: ['test-fal-key'] } });
    expect(
      await rejection(harness.backdrop.removeBackground({ image: 'https://cdn.example.com/a.png' })),
    ).toMatchObject({ code: 'auth', status: 403 });
  });

  it('refuses to run without credentials before sending anything', async () => {
    vi.stubEnv('FAL_KEY', '');
    try {
      harness = await startFalHarness();
      const backdrop = createBackdrop({ providers: [createFal({ fetch: harness.emulator.fetch })] });
      const error = await rejection(backdrop.removeBackground({ image: await makeSampleImage('png', 8, 8) }));
      expect(error.code).toBe('auth');
      expect(error.message).toContain('set FAL_KEY');
      expect(harness.emulator.requests).toHaveLength(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('retries through injected faults', () => {
  it('retries a 429 after its Retry-After, then succeeds', async () => {
    harness = await startFalHarness();
    harness.emulator.faults.add({ operation: 'submit', fault: { type: 'rate-limit', retryAfterSeconds: 1 } });
    const result = await harness.backdrop.removeBackground({
      image: `data:image/png;base64,${Buffer.from(await makeSampleImage('png', 8, 8)).toString('base64')}`,
    });
    expect(result.outputs).toHaveLength(1);
    expect(submits()).toHaveLength(2);
  });

  it('reports the Retry-After on the rate_limited error when retries are spent', async () => {
    harness = await startFalHarness();
    harness.emulator.faults.add({ operation: 'submit', fault: { type: 'rate-limit', retryAfterSeconds: 7 } });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: 'https://cdn.example.com/a.png', maxRetries: 0 }),
    );
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfterMs: 7000, retryable: true });
  });

  it.each([
    ['a 503 on status', 'status', { type: 'status', status: 503 }],
    ['a 502 on the result', 'result', { type: 'status', status: 502 }],
    ['a dropped connection on status', 'status', { type: 'drop' }],
    ['a dropped connection on the result', 'result', { type: 'drop' }],
    ['a 429 on submit', 'submit', { type: 'rate-limit', retryAfterSeconds: 0 }],
    ['a 503 on submit', 'submit', { type: 'status', status: 503 }],
    ['malformed JSON on status', 'status', { type: 'malformed' }],
    ['a 500 on the upload initiate', 'initiate', { type: 'status', status: 500 }],
  ] as const)('recovers from %s', async (_label, operation, fault) => {
    harness = await startFalHarness();
    // Status faults hit polls: the status stream is refused, so core polls.
    if (operation === 'status') harness.emulator.faults.add({ operation: 'stream', fault: { type: 'drop' } });
    harness.emulator.faults.add({ operation, fault, times: 2 });
    const result = await harness.backdrop.removeBackground({ image: await makeSampleImage('png', 12, 12) });
    expect(result.outputs).toHaveLength(1);
    expect(harness.emulator.faults.injected.filter((entry) => entry.operation === operation)).toHaveLength(2);
  });

  it.each([
    ['a 503', { type: 'status', status: 503 }],
    ['a 429', { type: 'rate-limit', retryAfterSeconds: 0 }],
    ['a dropped connection', { type: 'drop' }],
  ] as const)('retries the paid output download after %s', async (_label, fault) => {
    harness = await startFalHarness();
    harness.emulator.faults.add({ operation: 'download', fault, times: 2 });
    const result = await harness.backdrop.removeBackground({
      image: await makeSampleImage('png', 12, 12),
      download: true,
    });
    expect((await result.outputs[0]?.bytes())?.byteLength).toBeGreaterThan(0);
    expect(harness.emulator.faults.injected.filter((entry) => entry.operation === 'download')).toHaveLength(
      2,
    );
    expect(submits()).toHaveLength(1);
  });

  it('does not retry a failure fal marks X-Fal-Retryable: false', async () => {
    harness = await startFalHarness();
    harness.emulator.faults.add({
      operation: 'submit',
      fault: { type: 'status', status: 500, headers: { 'x-fal-retryable': 'false' } },
      times: 3,
    });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: 'https://cdn.example.com/a.png' }),
    );
    expect(error).toMatchObject({ code: 'provider_error', status: 500, retryable: false });
    expect(submits()).toHaveLength(1);
  });

  it('gives up after the retries with a retryable provider_error', async () => {
    harness = await startFalHarness();
    harness.emulator.faults.add({ operation: 'submit', fault: { type: 'status', status: 503 }, times: 10 });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: 'https://cdn.example.com/a.png', maxRetries: 2 }),
    );
    expect(error).toMatchObject({ code: 'provider_error', status: 503, retryable: true });
    expect(submits()).toHaveLength(3);
  });

  it('maps a connection that keeps dropping to network, with the job handle', async () => {
    harness = await startFalHarness();
    harness.emulator.faults.add({ operation: 'stream', fault: { type: 'drop' } });
    harness.emulator.faults.add({ operation: 'status', fault: { type: 'drop' }, times: 10 });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: 'https://cdn.example.com/a.png', maxRetries: 1 }),
    );
    expect(error).toMatchObject({ code: 'network', provider: 'fal', retryable: true });
    expect(error.handle).toMatchObject({ provider: 'fal', model: 'fal-ai/bria/background/remove' });
    expect(error.requestId).toBe(error.handle?.id);
  });

  it.each([
    ['a connection dropped after the submit arrived', { type: 'drop' }],
    ['a malformed answer to the submit', { type: 'malformed' }],
    ['a 500 on submit', { type: 'status', status: 500 }],
  ] as const)('never resends a submit fal may have taken: %s', async (_label, fault) => {
    harness = await startFalHarness();
    harness.emulator.faults.add({ operation: 'submit', fault, times: 1 });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: 'https://cdn.example.com/a.png' }),
    );
    expect(submits()).toHaveLength(1);
    expect(error).toMatchObject({ code: 'provider_error', provider: 'fal', retryable: false });
    expect(error.message).toContain('the job may have started and may be charged, so it was not resent');
  });

  it('resends such a submit when the caller chooses to', async () => {
    harness = await startFalHarness({ backdrop: { resendUnconfirmedStart: true } });
    harness.emulator.faults.add({ operation: 'submit', fault: { type: 'drop' }, times: 1 });
    const result = await harness.backdrop.removeBackground({ image: await makeSampleImage('png', 12, 12) });
    expect(result.outputs).toHaveLength(1);
    expect(submits()).toHaveLength(2);
  });
});

describe('cancel', () => {
  it('asks fal to cancel the queued request when the caller aborts', async () => {
    harness = await startFalHarness({ emulator: { queueMs: 60_000 } });
    const controller = new AbortController();
    const pending = harness.backdrop.removeBackground({
      image: 'https://cdn.example.com/a.png',
      signal: controller.signal,
    });
    // Abort once the client follows the request, so it knows the id; an abort while the submit
    // is still in flight is the next test's case.
    await vi.waitFor(() => expect(harness.apiCalls().some((call) => call.includes('/status'))).toBe(true));
    controller.abort();
    const error = await rejection(pending);
    const [job] = harness.emulator.jobs.values();
    expect(error).toMatchObject({ code: 'aborted', requestId: job?.id });
    await vi.waitFor(() =>
      expect(harness.apiCalls()).toContain(`PUT queue.fal.run/fal-ai/bria/requests/${job?.id}/cancel`),
    );
    expect(job?.cancelled).toBe(true);
  });

  it('cancels the request even when the abort comes while the submit is in flight', async () => {
    harness = await startFalHarness({ emulator: { queueMs: 60_000 } });
    harness.emulator.faults.add({ operation: 'submit', fault: { type: 'slow', delayMs: 300 } });
    const controller = new AbortController();
    const pending = harness.backdrop.removeBackground({
      image: 'https://cdn.example.com/a.png',
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(submits()).toHaveLength(1));
    controller.abort();
    expect((await rejection(pending)).code).toBe('aborted');
    await vi.waitFor(() => expect([...harness.emulator.jobs.values()][0]?.cancelled).toBe(true), {
      timeout: 5000,
    });
  });

  it('cancels the request when the call times out, including behind a slow answer', async () => {
    harness = await startFalHarness({ emulator: { queueMs: 60_000 } });
    harness.emulator.faults.add({ operation: 'status', fault: { type: 'slow', delayMs: 400 }, times: 100 });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: 'https://cdn.example.com/a.png', timeoutMs: 200 }),
    );
    const [job] = harness.emulator.jobs.values();
    expect(error).toMatchObject({ code: 'timeout', requestId: job?.id });
    await vi.waitFor(() => expect(job?.cancelled).toBe(true));
  });

  it('says so when cancelling a job that already finished', async () => {
    harness = await startFalHarness();
    const job = await harness.backdrop.startRemoveBackground({
      image:
        'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
    });
    await job.wait();
    const error = await rejection(job.cancel());
    expect(error).toMatchObject({ code: 'provider_rejected', status: 400 });
    expect(error.message).toContain('ALREADY_COMPLETED');
  });

  it('cancels a started job from its handle', async () => {
    harness = await startFalHarness({ emulator: { queueMs: 60_000 } });
    const job = await harness.backdrop.startRemoveBackground({ image: 'https://cdn.example.com/a.png' });
    expect((await job.status()).state).toBe('queued');
    await job.cancel();
    expect(harness.emulator.jobs.get(job.handle.id)?.cancelled).toBe(true);
    // Resumed later, the job reports that it was cancelled.
    const resumed = harness.backdrop.resumeJob(JSON.parse(JSON.stringify(job.handle)));
    expect((await rejection(resumed.wait())).code).toBe('aborted');
  });

  it('reads a cancelled request whose result says "Request was cancelled" (HTTP 400) as cancelled', async () => {
    harness = await startFalHarness({ emulator: { queueMs: 60_000 } });
    const job = await harness.backdrop.startRemoveBackground({ image: 'https://cdn.example.com/a.png' });
    await job.cancel();
    // fal's other answer for a cancelled request: a 400 naming it, with no error type.
    harness.emulator.faults.add({
      operation: 'result',
      fault: { type: 'status', status: 400, body: { detail: 'Request was cancelled' } },
      times: 2,
    });
    expect((await job.status()).state).toBe('cancelled');
    const error = await rejection(job.wait());
    expect(error).toMatchObject({ code: 'aborted', requestId: job.handle.id });
    expect(error.message).toContain('was cancelled');
  });
});
