import { createFalClient } from '@fal-ai/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FalEmulator, startFalEmulator } from '../src/fal/fal-emulator.js';
import { makeSampleImage } from '../src/sample-media.js';

let emulator: FalEmulator;
afterEach(() => emulator?.close());

const key = { authorization: 'Key test-fal-key', 'content-type': 'application/json' };

async function call(path: string, init: RequestInit = {}) {
  const response = await emulator.fetch(`https://${path}`, {
    ...init,
    headers: { ...key, ...(init.headers ?? {}) },
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => undefined)) as Record<string, unknown>,
  };
}

async function dataUri(): Promise<string> {
  return `data:image/png;base64,${Buffer.from(await makeSampleImage('png', 16, 16)).toString('base64')}`;
}

describe('fal emulator: queue protocol', () => {
  it('answers status 202 while queued or running and 200 when complete, on both path forms', async () => {
    // Queued long enough for the in-progress answers to be read on a loaded machine.
    emulator = await startFalEmulator({ queueMs: 2_000, processingMs: 50 });
    const submitted = await call('queue.fal.run/fal-ai/bria/background/remove', {
      method: 'POST',
      body: JSON.stringify({ image_url: await dataUri() }),
    });
    expect(submitted.status).toBe(200);
    const id = String(submitted.body.request_id);
    expect(submitted.body).toMatchObject({
      status: 'IN_QUEUE',
      queue_position: 0,
      status_url: `https://queue.fal.run/fal-ai/bria/requests/${id}/status`,
      response_url: `https://queue.fal.run/fal-ai/bria/requests/${id}`,
      cancel_url: `https://queue.fal.run/fal-ai/bria/requests/${id}/cancel`,
    });
    expect((await call(`queue.fal.run/fal-ai/bria/requests/${id}/status`)).status).toBe(202);
    expect((await call(`queue.fal.run/fal-ai/bria/background/remove/requests/${id}/status`)).status).toBe(
      202,
    );
    const early = await call(`queue.fal.run/fal-ai/bria/requests/${id}`);
    expect(early).toEqual({ status: 400, body: { detail: 'Request is still in progress' } });
    await vi.waitFor(
      async () => expect((await call(`queue.fal.run/fal-ai/bria/requests/${id}/status`)).status).toBe(200),
      {
        timeout: 15_000,
      },
    );
    const done = await call(`queue.fal.run/fal-ai/bria/requests/${id}/status?logs=1`);
    expect(done.body).toMatchObject({
      status: 'COMPLETED',
      logs: [{ message: 'Request started' }, { message: 'Removing background' }],
    });
    expect((await call(`queue.fal.run/fal-ai/bria/requests/${id}`)).body).toMatchObject({
      image: { width: 16, height: 16 },
    });
  });

  it('reports queue positions behind earlier requests', async () => {
    emulator = await startFalEmulator({ queueMs: 10_000 });
    const image = await dataUri();
    const positions = [];
    for (let index = 0; index < 3; index++) {
      const submitted = await call('queue.fal.run/fal-ai/bria/background/remove', {
        method: 'POST',
        body: JSON.stringify({ image_url: image }),
      });
      positions.push(submitted.body.queue_position);
    }
    expect(positions).toEqual([0, 1, 2]);
  });

  it('streams status as server-sent events to the real client, ending at COMPLETED', async () => {
    emulator = await startFalEmulator({ queueMs: 30, processingMs: 60 });
    const fal = createFalClient({ credentials: 'test-fal-key', fetch: emulator.fetch });
    const { request_id: requestId } = await fal.queue.submit('fal-ai/bria/background/remove', {
      input: { image_url: await dataUri() },
    });
    const stream = await fal.queue.streamStatus('fal-ai/bria/background/remove', { requestId, logs: true });
    const statuses: string[] = [];
    stream.on('data', (status) => statuses.push(status.status));
    const final = await stream.done();
    expect(final.status).toBe('COMPLETED');
    expect(statuses.at(-1)).toBe('COMPLETED');
    // Each event is a state change, in queue order: never backwards, never repeated.
    const order = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'];
    const ranks = statuses.map((status) => order.indexOf(status));
    expect(ranks.every((rank, index) => rank >= 0 && (index === 0 || rank >= (ranks[index - 1] ?? 0)))).toBe(
      true,
    );
    expect(statuses).toContain('IN_PROGRESS');
  });

  it('cancels: requested while queued, already completed after, not found for unknown ids', async () => {
    emulator = await startFalEmulator({ queueMs: 10_000 });
    const submitted = await call('queue.fal.run/fal-ai/bria/background/remove', {
      method: 'POST',
      body: JSON.stringify({ image_url: await dataUri() }),
    });
    const id = String(submitted.body.request_id);
    expect(await call(`queue.fal.run/fal-ai/bria/requests/${id}/cancel`, { method: 'PUT' })).toEqual({
      status: 202,
      body: { status: 'CANCELLATION_REQUESTED' },
    });
    expect(await call(`queue.fal.run/fal-ai/bria/requests/${id}/cancel`, { method: 'PUT' })).toEqual({
      status: 400,
      body: { status: 'ALREADY_COMPLETED' },
    });
    expect(await call('queue.fal.run/fal-ai/bria/requests/nope/cancel', { method: 'PUT' })).toEqual({
      status: 404,
      body: { status: 'NOT_FOUND' },
    });
    expect((await call(`queue.fal.run/fal-ai/bria/requests/${id}`)).status).toBe(499);
  });

  it('runs synchronously on fal.run', async () => {
    emulator = await startFalEmulator();
    const fal = createFalClient({ credentials: 'test-fal-key', fetch: emulator.fetch });
    const result = await fal.run('fal-ai/bria/background/replace', {
      input: { image_url: await dataUri(), prompt: 'x', seed: 5, num_images: 2 },
    });
    expect(result.data).toMatchObject({ seed: 5, images: [{ width: 16 }, { width: 16 }] });
    expect(result.requestId).toBeTruthy();
  });

  it("refuses content the same way on fal.run as in a queued job's result", async () => {
    emulator = await startFalEmulator({ processingMs: 10 });
    const input = JSON.stringify({ image_url: await dataUri(), prompt: 'a forbidden-content scene' });
    const direct = await emulator.fetch('https://fal.run/fal-ai/bria/background/replace', {
      method: 'POST',
      headers: key,
      body: input,
    });
    const submitted = await call('queue.fal.run/fal-ai/bria/background/replace', {
      method: 'POST',
      body: input,
    });
    const id = submitted.body.request_id as string;
    await vi.waitFor(
      async () => expect((await call(`queue.fal.run/fal-ai/bria/requests/${id}/status`)).status).toBe(200),
      { timeout: 2_000 },
    );
    const queued = await emulator.fetch(`https://queue.fal.run/fal-ai/bria/requests/${id}`, { headers: key });
    expect(direct.status).toBe(422);
    expect(direct.headers.get('x-fal-retryable')).toBe('false');
    expect(direct.headers.get('x-fal-request-id')).toBeTruthy();
    const directBody = (await direct.json()) as { detail: Array<{ type: string }> };
    expect(directBody.detail[0]?.type).toBe('content_policy_violation');
    expect(queued.status).toBe(direct.status);
    expect(queued.headers.get('x-fal-retryable')).toBe('false');
    expect(await queued.json()).toEqual(directBody);
  });
});

describe('fal emulator: validation like fal (FastAPI 422 detail bodies)', () => {
  it.each([
    [
      'fal-ai/bria/background/remove',
      {},
      [{ loc: ['body', 'image_url'], msg: 'Field required', type: 'missing' }],
    ],
    [
      'fal-ai/bria/background/remove',
      { image_url: 5 },
      [{ loc: ['body', 'image_url'], type: 'string_type' }],
    ],
    [
      'fal-ai/bria/background/replace',
      { image_url: 'x', prompt: 'a', num_images: 5 },
      [{ loc: ['body', 'num_images'], type: 'less_than_equal', ctx: { le: 4 } }],
    ],
    [
      'fal-ai/bria/background/replace',
      { image_url: 'x', prompt: 'a', seed: -1 },
      [{ loc: ['body', 'seed'], type: 'greater_than_equal' }],
    ],
    [
      'fal-ai/bria/background/replace',
      { image_url: 'x', prompt: 'a', ref_image_url: 'y' },
      [
        {
          loc: ['body'],
          type: 'value_error',
          msg: 'Either ref_image_url or bg_prompt has to be provided but not both',
        },
      ],
    ],
    ['fal-ai/bria/background/replace', { image_url: 'x' }, [{ loc: ['body'], type: 'value_error' }]],
    ['bria/replace-background', { steps_num: 'many' }, [{ loc: ['body', 'steps_num'], type: 'int_type' }]],
  ])('%s refuses %j', async (endpoint, input, detail) => {
    emulator = await startFalEmulator();
    const answer = await call(`queue.fal.run/${endpoint}`, { method: 'POST', body: JSON.stringify(input) });
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toMatchObject(detail);
    expect(emulator.jobs.size).toBe(0);
  });

  it('refuses missing and unknown keys', async () => {
    emulator = await startFalEmulator();
    const none = await emulator.fetch('https://queue.fal.run/fal-ai/bria/background/remove', {
      method: 'POST',
      body: '{}',
    });
    expect(none.status).toBe(401);
    const wrong = await emulator.fetch('https://queue.fal.run/fal-ai/bria/background/remove', {
      method: 'POST',
      body: '{}',
      headers: { authorization: 'Key nope' },
    });
    expect(wrong.status).toBe(401);
  });
});

describe('fal emulator: storage and proxy', () => {
  it('uploads in parts (initiate-multipart, PUT parts, complete) and serves the file', async () => {
    emulator = await startFalEmulator();
    const started = await call('rest.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3', {
      method: 'POST',
      body: JSON.stringify({ content_type: 'image/png', file_name: 'big.png' }),
    });
    const uploadUrl = String(started.body.upload_url);
    const parts = [];
    for (const [index, text] of ['first-', 'second-', 'third'].entries()) {
      const response = await fetch(`${uploadUrl}/${index + 1}`, { method: 'PUT', body: text });
      parts.push(await response.json());
    }
    expect(parts.map((part) => part.partNumber)).toEqual([1, 2, 3]);
    expect(
      (await fetch(`${uploadUrl}/complete`, { method: 'POST', body: JSON.stringify({ parts }) })).status,
    ).toBe(200);
    const file = await fetch(String(started.body.file_url));
    expect(await file.text()).toBe('first-second-third');
  });

  it('follows the server-proxy protocol: target header required, allowlisted targets only', async () => {
    emulator = await startFalEmulator({ proxyKey: 'test-fal-key' });
    expect((await fetch(emulator.proxyUrl, { method: 'POST' })).status).toBe(400);
    const tokens = await fetch(emulator.proxyUrl, {
      method: 'POST',
      headers: { 'x-fal-target-url': 'https://rest.fal.ai/tokens/' },
    });
    expect(tokens.status).toBe(403);
    const elsewhere = await fetch(emulator.proxyUrl, {
      method: 'GET',
      headers: { 'x-fal-target-url': 'https://example.com/x' },
    });
    expect(elsewhere.status).toBe(403);
  });
});
