import type { CallContext } from '@backdrop/core/provider';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFalQueueClient, type FalQueueStatus } from './fal-queue-client.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A status stream that sends one event, then stays silent until the request is aborted. */
const silentAfterOneEvent: typeof fetch = async (_input, init) => {
  const signal = init?.signal ?? undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('data: {"status":"IN_QUEUE","queue_position":0}\n\n'));
      signal?.addEventListener('abort', () => controller.error(signal.reason));
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
};

function contextWith(signal: AbortSignal): CallContext {
  return { signal, fetch: silentAfterOneEvent, download: () => Promise.reject(new Error('no downloads')) };
}

describe('fal status stream', () => {
  it('ends without a status when the stream stays silent for 45 s, so core polls instead', async () => {
    vi.useFakeTimers();
    const queue = createFalQueueClient({ credentials: 'key', proxyUrl: undefined, fetch: undefined });
    const statuses: FalQueueStatus[] = [];
    const reading = (async () => {
      const context = contextWith(new AbortController().signal);
      for await (const status of queue.streamStatus('fal-ai/bria/background/remove', 'id', context))
        statuses.push(status);
    })();
    await vi.advanceTimersByTimeAsync(44_999);
    expect(statuses.map((status) => status.status)).toEqual(['IN_QUEUE']);
    await vi.advanceTimersByTimeAsync(1);
    await reading;
    expect(statuses).toHaveLength(1);
  });

  it('throws when the call is aborted, for core to cancel the job', async () => {
    const queue = createFalQueueClient({ credentials: 'key', proxyUrl: undefined, fetch: undefined });
    const controller = new AbortController();
    const reading = (async () => {
      for await (const status of queue.streamStatus(
        'fal-ai/bria/background/remove',
        'id',
        contextWith(controller.signal),
      ))
        expect(status.status).toBe('IN_QUEUE');
    })();
    controller.abort(new Error('stop'));
    await expect(reading).rejects.toThrow('stop');
  });
});
