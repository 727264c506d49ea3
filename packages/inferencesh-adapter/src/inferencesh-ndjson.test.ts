import { describe, expect, it } from 'vitest';
import { readNdjson } from './inferencesh-ndjson.js';

function streamOf(lines: string[]): { body: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const line = lines.shift();
      // The server keeps the stream open (heartbeats) after the lines run out.
      if (line !== undefined) controller.enqueue(encoder.encode(line));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { body, cancelled: () => cancelled };
}

describe('readNdjson', () => {
  it('parses lines split across chunks and skips blank ones', async () => {
    const { body } = streamOf(['{"a":', '1}\n\n{"b":2}\n']);
    const values: unknown[] = [];
    for await (const value of readNdjson(body)) {
      values.push(value);
      if (values.length === 2) break;
    }
    expect(values).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('cancels the stream when the reader stops early, releasing the connection', async () => {
    const { body, cancelled } = streamOf(['{"status":7}\n', '{"status":10}\n']);
    for await (const value of readNdjson(body)) {
      if ((value as { status: number }).status === 7) break;
    }
    expect(cancelled()).toBe(true);
    expect(body.locked).toBe(false);
  });
});
