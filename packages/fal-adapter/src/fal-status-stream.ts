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
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let data: string[] = [];
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      onActivity();
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffered.split(/\r\n|\r|\n/);
      buffered = done ? '' : (lines.pop() ?? '');
      for (const line of lines) {
        if (line === '') {
          // A blank line dispatches the event, if it had data.
          if (data.length > 0) yield data.join('\n');
          data = [];
        } else if (line.startsWith('data:')) {
          data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
        }
      }
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
