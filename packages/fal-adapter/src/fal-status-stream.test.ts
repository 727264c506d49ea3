import { describe, expect, it } from 'vitest';
import { readServerSentData } from './fal-status-stream.js';

function bodyOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function dataOf(chunks: string[]): Promise<string[]> {
  const events: string[] = [];
  for await (const data of readServerSentData(bodyOf(chunks))) events.push(data);
  return events;
}

describe('readServerSentData', () => {
  it('yields the data of each event and skips comments and other fields', async () => {
    expect(
      await dataOf([
        ': keep-alive\n\n',
        'data: {"status":"IN_QUEUE"}\n\n',
        'event: x\nid: 1\ndata: {"a":1}\n\n',
      ]),
    ).toEqual(['{"status":"IN_QUEUE"}', '{"a":1}']);
  });

  it('joins data lines, accepts CRLF and a missing space, and reassembles split chunks', async () => {
    expect(
      await dataOf(['data: one\r\ndata:two\r\n', '\r\nda', 'ta: {"status":', '"COMPLETED"}\n', '\n']),
    ).toEqual(['one\ntwo', '{"status":"COMPLETED"}']);
  });

  it('drops an event the stream cut before its blank line', async () => {
    expect(await dataOf(['data: whole\n\n', 'data: {"status":"IN_PRO'])).toEqual(['whole']);
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: again\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const data of readServerSentData(body)) {
      expect(data).toBe('again');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
