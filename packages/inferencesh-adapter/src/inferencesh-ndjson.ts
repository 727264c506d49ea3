import { readLines } from '@backdrop/core/provider';

/**
 * Reads newline-delimited JSON from a response body, one parsed value per line (blank lines
 * skipped). A consumer that stops early (a terminal update, an abort) cancels the stream, so the
 * connection is released rather than left to idle until the server ends it.
 */
export async function* readNdjson(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  for await (const line of readLines(body)) {
    if (line.trim() !== '') yield JSON.parse(line);
  }
}
