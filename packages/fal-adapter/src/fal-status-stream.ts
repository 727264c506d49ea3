import { readLines } from '@backdrop/core/provider';

/**
 * Server-sent events from a response body (https://html.spec.whatwg.org/#event-stream-interpretation),
 * as fal's queue status stream sends them: the `data:` of each event, joined by newlines.
 * Comment lines (fal's keep-alive) and other fields are skipped; each chunk read calls `onActivity`.
 * A consumer that stops early cancels the body, so the connection is released at once.
 */
export async function* readServerSentData(
  body: ReadableStream<Uint8Array>,
  onActivity: () => void = () => undefined,
): AsyncGenerator<string> {
  let data: string[] = [];
  for await (const line of readLines(body, { separator: /\r\n|\r|\n/, onChunk: onActivity })) {
    if (line === '') {
      // A blank line dispatches the event, if it had data.
      if (data.length > 0) yield data.join('\n');
      data = [];
    } else if (line.startsWith('data:')) {
      data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
  }
}
