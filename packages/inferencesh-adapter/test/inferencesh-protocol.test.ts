import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BackdropAdapter, createBackdrop } from '@backdrop/core';
import { makeSampleImage, readFixture } from '@backdrop/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInferenceSh } from '../src/node.js';
import {
  englishPrompt,
  type InferenceShHarness,
  rejection,
  startInferenceShHarness,
} from './support/inferencesh-setup.js';

let harness: InferenceShHarness;
afterEach(() => harness?.emulator.close());

const statusPolls = () => harness.apiCalls().filter((call) => call.endsWith('/status'));

describe('following a task', () => {
  it('falls back to polling GET /tasks/{id}/status when the stream fails to open', async () => {
    harness = await startInferenceShHarness();
    harness.emulator.faults.add({ operation: 'stream', fault: { type: 'status', status: 502 } });
    const result = await harness.backdrop.removeBackground({ image: await makeSampleImage('png', 20, 20) });
    expect(result.outputs).toHaveLength(1);
    expect(statusPolls().length).toBeGreaterThan(0);
    expect(harness.apiCalls()).toContain(`GET /tasks/${result.requestId}`);
  });

  it('finishes by polling when the stream drops mid-task', async () => {
    harness = await startInferenceShHarness({ emulator: { processingMs: 300 } });
    harness.emulator.faults.add({ operation: 'stream', fault: { type: 'drop-mid-stream', afterMs: 60 } });
    const result = await harness.backdrop.removeBackground({ image: await makeSampleImage('png', 20, 20) });
    expect(result.outputs).toHaveLength(1);
    expect(harness.apiCalls().filter((call) => call.endsWith('/stream'))).toHaveLength(1);
    expect(statusPolls().length).toBeGreaterThan(0);
  });

  it('skips heartbeats and merges partial updates', async () => {
    harness = await startInferenceShHarness({ emulator: { heartbeatMs: 5, processingMs: 100 } });
    const result = await harness.backdrop.replaceBackground({
      image: await readFixture('ruby_mug.jpg'),
      prompt: englishPrompt(52),
      seed: 3,
    });
    expect(result.outputs[0]?.url).toContain('/outputs/');
    expect(statusPolls()).toHaveLength(0);
  });

  it('treats 9 as uploading, not completed: the output arrives only with 10', async () => {
    harness = await startInferenceShHarness({ emulator: { stepMs: 60 } });
    const result = await harness.backdrop.removeBackground({ image: await makeSampleImage('png', 20, 20) });
    const statuses = harness.emulator.tasks.get(result.requestId ?? '')?.events.map((event) => event.status);
    expect(statuses?.slice(-2)).toEqual([9, 10]);
    expect(result.outputs).toHaveLength(1);
  });
});

describe('cancel', () => {
  it('cancels the task when the caller aborts', async () => {
    harness = await startInferenceShHarness({ emulator: { stepMs: 10_000 } });
    const controller = new AbortController();
    const pending = harness.backdrop.removeBackground({
      image: await makeSampleImage('png', 20, 20),
      signal: controller.signal,
    });
    // Abort once the client follows the task, so it knows the id; an abort while the run request
    // is still in flight is the next test's case.
    await vi.waitFor(() =>
      expect(harness.apiCalls().some((call) => call.startsWith('GET /tasks/'))).toBe(true),
    );
    controller.abort();
    const error = await rejection(pending);
    const [task] = harness.emulator.tasks.values();
    expect(error).toMatchObject({ code: 'aborted', requestId: task?.id });
    await vi.waitFor(() => expect(harness.apiCalls()).toContain(`POST /tasks/${task?.id}/cancel`));
    await vi.waitFor(() => expect(task?.status).toBe(12));
  });

  it('cancels the task even when the abort comes while the run request is in flight', async () => {
    harness = await startInferenceShHarness({ emulator: { stepMs: 10_000 } });
    harness.emulator.faults.add({ operation: 'run', fault: { type: 'slow', delayMs: 300 } });
    const controller = new AbortController();
    const pending = harness.backdrop.removeBackground({
      image: await makeSampleImage('png', 20, 20),
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(harness.apiCalls()).toContain('POST /apps/run'));
    controller.abort();
    expect((await rejection(pending)).code).toBe('aborted');
    await vi.waitFor(() => expect([...harness.emulator.tasks.values()][0]?.status).toBe(12), {
      timeout: 5000,
    });
  });

  it('cancels the task when the call times out', async () => {
    harness = await startInferenceShHarness({ emulator: { stepMs: 10_000 } });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: await makeSampleImage('png', 20, 20), timeoutMs: 300 }),
    );
    expect(error.code).toBe('timeout');
    const [task] = harness.emulator.tasks.values();
    await vi.waitFor(() => expect(task?.status).toBe(12));
  });
});

describe('moderation', () => {
  const flagged = `${englishPrompt(55)} forbidden-content`;

  it.each(['task', 'http'] as const)(
    'maps a refusal that comes back as a %s to moderation, never retried nor fallen back from',
    async (form) => {
      harness = await startInferenceShHarness({ emulator: { moderationForm: form } });
      const backup: BackdropAdapter & { starts: number } = {
        specificationVersion: 'v1',
        provider: 'backup',
        displayName: 'backup',
        capabilities: {
          replaceBackground: [
            {
              model: 'backup',
              image: { formats: ['png', 'jpeg', 'webp'] },
              prompt: {},
              resultCount: { min: 1, max: 1 },
            },
          ],
        },
        starts: 0,
        replaceBackground: {
          async start() {
            backup.starts++;
            throw new Error('the backup must not be used');
          },
          async status() {
            throw new Error('unused');
          },
        },
      };
      const adapter = createInferenceSh({ apiKey: 'inf_test_key', baseUrl: harness.emulator.origin });
      const backdrop = createBackdrop({ providers: [adapter, backup], fallback: true, pollIntervalMs: 20 });
      const error = await rejection(
        backdrop.replaceBackground({ image: await readFixture('ruby_mug.jpg'), prompt: flagged }),
      );
      expect(error).toMatchObject({
        code: 'moderation',
        field: 'prompt',
        provider: 'inferencesh',
        retryable: false,
      });
      expect(harness.apiCalls().filter((call) => call === 'POST /apps/run')).toHaveLength(1);
      expect(backup.starts).toBe(0);
    },
  );

  it('lets the caller switch moderation off', async () => {
    harness = await startInferenceShHarness();
    const result = await harness.backdrop.replaceBackground({
      image: await readFixture('ruby_mug.jpg'),
      prompt: flagged,
      moderation: false,
    });
    expect(result.outputs).toHaveLength(1);
  });
});

describe('errors and envelopes', () => {
  it('maps a wrong key to auth, in both envelopes, without showing the key', async () => {
    for (const apiVersion of [1, 2] as const) {
      if (apiVersion === 2) await harness.emulator.close();
      harness = await startInferenceShHarness({ adapter: { apiKey: 'inf_wrong_secret_9', apiVersion } });
      const error = await rejection(
        harness.backdrop.removeBackground({ image: await makeSampleImage('png', 8, 8) }),
      );
      expect(error).toMatchObject({ code: 'auth', status: 401 });
      expect(error.message).toContain('invalid API key');
      expect(`${error.message}${JSON.stringify(error)}`).not.toContain('inf_wrong_secret_9');
    }
  });

  it('refuses to run without a key before sending anything', async () => {
    harness = await startInferenceShHarness({ adapter: { apiKey: '' } });
    vi.stubEnv('INFERENCE_API_KEY', '');
    try {
      const backdrop = createBackdrop({
        providers: [createInferenceSh({ baseUrl: harness.emulator.origin })],
      });
      const error = await rejection(backdrop.removeBackground({ image: await makeSampleImage('png', 8, 8) }));
      expect(error.code).toBe('auth');
      expect(error.message).toContain('INFERENCE_API_KEY');
      expect(harness.emulator.requests).toHaveLength(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('works with the v2 envelope: bare answers and problem+json errors', async () => {
    harness = await startInferenceShHarness({ adapter: { apiVersion: 2 } });
    const result = await harness.backdrop.removeBackground({ image: await makeSampleImage('png', 12, 12) });
    expect(result.outputs).toHaveLength(1);
    expect(
      harness.emulator.requests.filter((request) => request.path === '/apps/run')[0]?.headers[
        'x-api-version'
      ],
    ).toBe('2');
  });

  it.each([
    [
      400,
      {
        success: false,
        status: 400,
        error: { code: 'invalid_request', message: 'input.image: image is required' },
      },
      'invalid_input',
      'image',
    ],
    [
      404,
      { success: false, status: 404, error: { code: 'not_found', message: 'app not found' } },
      'provider_rejected',
      undefined,
    ],
    [412, { satisfied: false, errors: [{ requirement: 'gpu' }] }, 'provider_rejected', undefined],
    [
      403,
      {
        type: 'https://api.inference.sh/errors/forbidden',
        title: 'forbidden',
        status: 403,
        detail: 'no access',
      },
      'auth',
      undefined,
    ],
  ] as const)('maps HTTP %i from run', async (status, body, code, field) => {
    harness = await startInferenceShHarness();
    harness.emulator.faults.add({ operation: 'run', fault: { type: 'status', status, body } });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: await makeSampleImage('png', 8, 8) }),
    );
    expect(error).toMatchObject({ code, status, field });
    expect(harness.apiCalls().filter((call) => call === 'POST /apps/run')).toHaveLength(1);
  });

  it('waits out a 429 until X-RateLimit-Reset, then succeeds', async () => {
    harness = await startInferenceShHarness();
    harness.emulator.faults.add({ operation: 'run', fault: harness.emulator.rateLimitFault(1) });
    const result = await harness.backdrop.removeBackground({ image: await makeSampleImage('png', 8, 8) });
    expect(result.outputs).toHaveLength(1);
    expect(harness.apiCalls().filter((call) => call === 'POST /apps/run')).toHaveLength(2);
  });

  it('reports when the rate limit resets when retries are spent', async () => {
    harness = await startInferenceShHarness();
    harness.emulator.faults.add({ operation: 'run', fault: harness.emulator.rateLimitFault(30) });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: await makeSampleImage('png', 8, 8), maxRetries: 0 }),
    );
    expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(error.retryAfterMs).toBeGreaterThan(28_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(31_000);
  });

  it.each([
    ['a 503 on run', 'run', { type: 'status', status: 503 }],
    ['a dropped connection on files', 'files', { type: 'drop' }],
    ['a 429 on run', 'run', { type: 'rate-limit', retryAfterSeconds: 0 }],
    ['malformed JSON on files', 'files', { type: 'malformed' }],
    ['a 500 on the upload', 'upload', { type: 'status', status: 500 }],
    ['a stream that fails to open', 'stream', { type: 'status', status: 500 }],
    ['a slow answer on run', 'run', { type: 'slow', delayMs: 200 }],
  ] as const)('recovers from %s', async (_label, operation, fault) => {
    harness = await startInferenceShHarness();
    harness.emulator.faults.add({ operation, fault });
    const result = await harness.backdrop.removeBackground({ image: await makeSampleImage('png', 10, 10) });
    expect(result.outputs).toHaveLength(1);
    expect(harness.emulator.faults.injected).toHaveLength(1);
  });
});

describe('a paid task is never started twice', () => {
  it.each([
    ['malformed JSON on run', { type: 'malformed' }],
    ['a connection dropped after run arrived', { type: 'drop' }],
    ['a 500 on run', { type: 'status', status: 500 }],
  ] as const)('does not resend POST /apps/run after %s', async (_label, fault) => {
    harness = await startInferenceShHarness();
    harness.emulator.faults.add({ operation: 'run', fault });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: await makeSampleImage('png', 10, 10) }),
    );
    expect(error).toMatchObject({ code: 'provider_error', provider: 'inferencesh', retryable: false });
    expect(error.message).toContain('was not resent to avoid paying twice');
    expect(harness.apiCalls().filter((call) => call === 'POST /apps/run')).toHaveLength(1);
  });

  it('retries a failed output download, and a lost one keeps the task handle to resume', async () => {
    harness = await startInferenceShHarness();
    harness.emulator.faults.add({ operation: 'download', fault: { type: 'status', status: 503 }, times: 2 });
    const result = await harness.backdrop.removeBackground({
      image: await makeSampleImage('png', 10, 10),
      download: true,
    });
    expect((await result.outputs[0]?.bytes())?.byteLength).toBeGreaterThan(0);
    harness.emulator.faults.add({ operation: 'download', fault: { type: 'drop' }, times: 20 });
    const error = await rejection(
      harness.backdrop.removeBackground({ image: await makeSampleImage('png', 10, 10), download: true }),
    );
    expect(error).toMatchObject({ code: 'network', provider: 'inferencesh' });
    expect(error.handle?.id).toBe(error.requestId);
    harness.emulator.faults.clear();
    const resumed = await harness.backdrop
      .resumeJob(JSON.parse(JSON.stringify(error.handle)))
      .wait({ download: true });
    expect((await resumed.outputs[0]?.bytes())?.byteLength).toBeGreaterThan(0);
    expect(harness.apiCalls().filter((call) => call === 'POST /apps/run')).toHaveLength(2);
  });
});

describe('webhooks', () => {
  it('sends the webhook URL with the run and returns at once; the task is posted there when it ends', async () => {
    harness = await startInferenceShHarness({ emulator: { stepMs: 50 } });
    const received: unknown[] = [];
    const receiver = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      received.push(JSON.parse(Buffer.concat(chunks).toString()));
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const job = await harness.backdrop.startRemoveBackground({
        image: await makeSampleImage('png', 10, 10),
        webhookUrl: url,
      });
      expect(harness.emulator.tasks.get(job.handle.id)?.status).toBeLessThan(10);
      expect(harness.emulator.requests.find((request) => request.path === '/apps/run')?.body).toMatchObject({
        webhook: url,
      });
      await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 5000 });
      expect(received[0]).toMatchObject({ id: job.handle.id, status: 10 });
      const result = await harness.backdrop.resumeJob(job.handle).wait();
      expect(result.outputs).toHaveLength(1);
    } finally {
      receiver.close();
    }
  });
});
