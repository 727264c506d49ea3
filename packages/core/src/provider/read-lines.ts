export interface ReadLinesOptions {
  /** What ends a line: `'\n'` (the default), or a pattern such as SSE's `/\r\n|\r|\n/`. */
  separator?: string | RegExp | undefined;
  /** Called on every chunk read, the end included: a stream that answers at all is alive. */
  onChunk?: (() => void) | undefined;
}

/**
 * The lines of a streamed text body (NDJSON, server-sent events), decoded as UTF-8 across chunk
 * boundaries; the text after the last separator is the last line. A consumer that stops early
 * (a terminal update, an abort) cancels the body, so the connection is released at once rather
 * than left to idle until the server ends it.
 */
export async function* readLines(
  body: ReadableStream<Uint8Array>,
  options: ReadLinesOptions = {},
): AsyncGenerator<string> {
  const separator = options.separator ?? '\n';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      options.onChunk?.();
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffered.split(separator);
      buffered = done ? '' : (lines.pop() ?? '');
      yield* lines;
      if (done) {
        finished = true;
        return;
      }
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
