import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFalWebhookKey, signFalWebhook } from '@backdrop/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FalWebhookEvent, verifyFalWebhook } from '../src/index.js';
import { type FalHarness, rejection, startFalHarness } from './support/fal-setup.js';

let harness: FalHarness;
const closers: Array<() => void> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await harness?.emulator.close();
});

/** A loopback receiver that verifies each webhook the way an app's route would. */
async function startReceiver(jwksUrl: string, fetchFunction: typeof fetch) {
  const received: Array<FalWebhookEvent | Error> = [];
  const server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      received.push(
        await verifyFalWebhook(
          { headers: request.headers, body: Buffer.concat(chunks) },
          { jwksUrl, fetch: fetchFunction },
        ),
      );
      response.writeHead(200).end();
    } catch (error) {
      received.push(error as Error);
      response.writeHead(401).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fal-webhook`, received };
}

// The key set is cached by URL, and every test's emulator signs with a fresh key: one URL each.
let jwksUrl = '';
let testNumber = 0;
beforeEach(() => {
  jwksUrl = `https://rest.alpha.fal.ai/.well-known/jwks.json?test=${++testNumber}`;
});

function signedRequest(
  body: string,
  options: { key?: ReturnType<typeof createFalWebhookKey>; timestampSeconds?: number } = {},
) {
  const key = options.key ?? harness.emulator.webhookKey;
  const headers = signFalWebhook({
    key: key.privateKey,
    requestId: 'req-1',
    userId: 'user-1',
    body,
    timestampSeconds: options.timestampSeconds,
  });
  return new Request('https://app.example.com/fal-webhook', { method: 'POST', headers, body });
}

describe('fal webhooks', () => {
  it('starts a job with a webhook URL, returns at once, and the delivered webhook verifies', async () => {
    harness = await startFalHarness({ emulator: { queueMs: 100 } });
    const receiver = await startReceiver(jwksUrl, harness.emulator.fetch);
    const job = await harness.backdrop.startRemoveBackground({
      image:
        'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
      webhookUrl: receiver.url,
    });
    // Returned before the job finished: the emulator still has it queued.
    expect(harness.emulator.jobs.get(job.handle.id)?.state).toBe('IN_QUEUE');
    expect(
      harness.emulator.requests.find(
        (request) => request.method === 'POST' && request.host === 'queue.fal.run',
      )?.search,
    ).toBe(`?fal_webhook=${encodeURIComponent(receiver.url)}`);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 5000 });
    const event = receiver.received[0] as FalWebhookEvent;
    expect(event).toMatchObject({ requestId: job.handle.id, status: 'OK', error: null });
    expect((event.payload as { image: { url: string } }).image.url).toMatch(/\.png$/);
  });

  it('accepts a valid signature from a key pair made in the test and published in the key set', async () => {
    harness = await startFalHarness();
    const event = await verifyFalWebhook(
      signedRequest('{"request_id":"req-1","status":"OK","payload":{"a":1}}'),
      {
        jwksUrl,
        fetch: harness.emulator.fetch,
      },
    );
    expect(event).toMatchObject({ requestId: 'req-1', status: 'OK', payload: { a: 1 } });
  });

  it('refuses a tampered body', async () => {
    harness = await startFalHarness();
    const request = signedRequest('{"request_id":"req-1","status":"OK"}');
    const tampered = new Request(request.url, {
      method: 'POST',
      headers: request.headers,
      body: '{"request_id":"req-1","status":"ERROR"}',
    });
    const error = await rejection(verifyFalWebhook(tampered, { jwksUrl, fetch: harness.emulator.fetch }));
    expect(error).toMatchObject({ code: 'auth', provider: 'fal' });
    expect(error.message).toBe("fal webhook refused: the signature matches none of fal's published keys");
  });

  it('refuses a stale timestamp, and accepts one within 300 s', async () => {
    harness = await startFalHarness();
    const now = Date.now();
    const stale = signedRequest('{}', { timestampSeconds: Math.floor(now / 1000) - 301 });
    const error = await rejection(
      verifyFalWebhook(stale, { jwksUrl, fetch: harness.emulator.fetch, now: () => now }),
    );
    expect(error.message).toMatch(/the timestamp is 30[12] s from now; at most 300 s is accepted/);
    const recent = signedRequest('{}', { timestampSeconds: Math.floor(now / 1000) - 299 });
    await expect(
      verifyFalWebhook(recent, { jwksUrl, fetch: harness.emulator.fetch, now: () => now }),
    ).resolves.toBeTruthy();
  });

  it('refuses a signature by a key fal does not publish', async () => {
    harness = await startFalHarness();
    const stranger = createFalWebhookKey('stranger');
    const error = await rejection(
      verifyFalWebhook(signedRequest('{}', { key: stranger }), { jwksUrl, fetch: harness.emulator.fetch }),
    );
    expect(error.message).toBe("fal webhook refused: the signature matches none of fal's published keys");
  });

  it('names a missing header and a signature that is not hex', async () => {
    harness = await startFalHarness();
    const request = signedRequest('{}');
    const headers = new Headers(request.headers);
    headers.delete('x-fal-webhook-signature');
    expect(
      (await rejection(verifyFalWebhook({ headers, body: '{}' }, { jwksUrl, fetch: harness.emulator.fetch })))
        .message,
    ).toBe('fal webhook refused: the x-fal-webhook-signature header is missing');
    headers.set('x-fal-webhook-signature', 'zz');
    expect(
      (await rejection(verifyFalWebhook({ headers, body: '{}' }, { jwksUrl, fetch: harness.emulator.fetch })))
        .message,
    ).toBe('fal webhook refused: the signature is not hex');
  });

  it('caches the key set instead of fetching it for every webhook', async () => {
    harness = await startFalHarness();
    const url = `https://rest.alpha.fal.ai/.well-known/jwks.json?cache-test`;
    for (let index = 0; index < 3; index++) {
      await verifyFalWebhook(signedRequest('{}'), { jwksUrl: url, fetch: harness.emulator.fetch });
    }
    const fetches = harness.emulator.requests.filter(
      (request) => request.path === '/.well-known/jwks.json' && request.search === '?cache-test',
    );
    expect(fetches).toHaveLength(1);
  });
});
