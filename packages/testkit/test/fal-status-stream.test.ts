import { afterEach, describe, expect, it } from 'vitest';
import { type FalEmulator, startFalEmulator } from '../src/fal/fal-emulator.js';
import { makeSampleImage } from '../src/sample-media.js';

let emulator: FalEmulator;
afterEach(() => emulator?.close());

async function submit(): Promise<string> {
  const image = `data:image/png;base64,${Buffer.from(await makeSampleImage('png', 16, 16)).toString('base64')}`;
  const response = await emulator.fetch('https://queue.fal.run/fal-ai/bria/background/remove', {
    method: 'POST',
    headers: { authorization: 'Key test-fal-key', 'content-type': 'application/json' },
    body: JSON.stringify({ image_url: image }),
  });
  return String(((await response.json()) as { request_id: string }).request_id);
}

/** Reads a whole status stream: its content type, events (parsed `data:` JSON) and comment lines. */
async function readStream(id: string, logs: '0' | '1') {
  const response = await emulator.fetch(
    `https://queue.fal.run/fal-ai/bria/requests/${id}/status/stream?logs=${logs}`,
    { headers: { authorization: 'Key test-fal-key', accept: 'text/event-stream' } },
  );
  // The body ends by itself: the server closes the stream after COMPLETED.
  const text = await response.text();
  const blocks = text.split('\n\n').filter((block) => block !== '');
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events: blocks
      .filter((block) => block.startsWith('data: '))
      .map((block) => JSON.parse(block.slice('data: '.length)) as Record<string, unknown>),
    comments: blocks.filter((block) => block.startsWith(':')),
  };
}

describe('fal emulator: the queue status stream (reference/providers.md 1.3)', () => {
  it('sends data: <status JSON> events through to COMPLETED, then closes', async () => {
    // Long enough in the queue that the stream, opened after the submit, still sees IN_QUEUE on a loaded machine.
    emulator = await startFalEmulator({ queueMs: 1_000, processingMs: 200 });
    const id = await submit();
    const stream = await readStream(id, '1');
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe('text/event-stream');
    // One event per change: the state, or new log lines while it runs.
    const states = stream.events.map((event) => event.status);
    expect(states.filter((state, index) => state !== states[index - 1])).toEqual([
      'IN_QUEUE',
      'IN_PROGRESS',
      'COMPLETED',
    ]);
    expect(states.filter((state) => state === 'COMPLETED')).toHaveLength(1);
    const base = `https://queue.fal.run/fal-ai/bria/requests/${id}`;
    for (const event of stream.events) {
      expect(event).toMatchObject({
        request_id: id,
        response_url: base,
        status_url: `${base}/status`,
        cancel_url: `${base}/cancel`,
      });
    }
    expect(stream.events[0]).toMatchObject({ queue_position: 0 });
    const completed = stream.events.at(-1);
    expect(completed?.logs).toEqual(
      expect.arrayContaining([expect.objectContaining({ message: 'Request started', source: 'USER' })]),
    );
    expect(completed?.metrics).toEqual({ inference_time: expect.any(Number) });
  });

  it('sends a queued job its new position when a job ahead leaves the queue', async () => {
    emulator = await startFalEmulator({ queueMs: 400, processingMs: 10 });
    await submit();
    const stream = await readStream(await submit(), '0');
    const queued = stream.events.filter((event) => event.status === 'IN_QUEUE');
    expect(queued.map((event) => event.queue_position)).toEqual([1, 0]);
  });

  it('leaves the logs out with logs=0', async () => {
    emulator = await startFalEmulator({ queueMs: 20, processingMs: 20 });
    const stream = await readStream(await submit(), '0');
    expect(stream.events.at(-1)?.status).toBe('COMPLETED');
    expect(stream.events.every((event) => event.logs === null)).toBe(true);
  });

  it('sends a comment line between events to keep the connection open', async () => {
    // Keep-alives every 5 ms while the job waits 300 ms in the queue.
    emulator = await startFalEmulator({ queueMs: 300, processingMs: 10, streamKeepAliveMs: 5 });
    const stream = await readStream(await submit(), '0');
    expect(stream.comments.length).toBeGreaterThan(0);
    expect(stream.events.at(-1)?.status).toBe('COMPLETED');
  });

  it('answers a finished job with its COMPLETED event and closes at once', async () => {
    emulator = await startFalEmulator({ queueMs: 1, processingMs: 1 });
    const id = await submit();
    await readStream(id, '0');
    const again = await readStream(id, '0');
    expect(again.events.map((event) => event.status)).toEqual(['COMPLETED']);
  });

  it('closes after COMPLETED when the job is cancelled', async () => {
    emulator = await startFalEmulator({ queueMs: 10_000 });
    const id = await submit();
    const reading = readStream(id, '0');
    await emulator.fetch(`https://queue.fal.run/fal-ai/bria/requests/${id}/cancel`, {
      method: 'PUT',
      headers: { authorization: 'Key test-fal-key' },
    });
    expect((await reading).events.at(-1)?.status).toBe('COMPLETED');
  });
});
