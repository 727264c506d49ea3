// Core and the fal adapter alone, in a null-origin iframe like the plugin's UI: the same
// removals, concurrency and polling as the plugin, results downloaded, nothing written anywhere.
import { createBackdrop } from '@backdrop/core';
import { createFal } from '@backdrop/fal-adapter';

interface Request {
  image: Uint8Array;
  count: number;
  concurrency: number;
  pollIntervalMs: number;
}

async function run(request: Request): Promise<number> {
  const backdrop = createBackdrop({
    providers: [createFal({ credentials: 'test-fal-key' })],
    pollIntervalMs: request.pollIntervalMs,
  });
  const image = new Blob([request.image as Uint8Array<ArrayBuffer>], { type: 'image/png' });
  let remaining = request.count;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: request.concurrency }, async () => {
      while (remaining > 0) {
        remaining--;
        await backdrop.removeBackground({ image, download: true });
      }
    }),
  );
  return performance.now() - started;
}

window.addEventListener('message', async (event: MessageEvent<Request>) => {
  try {
    parent.postMessage({ ok: true, value: await run(event.data) }, '*');
  } catch (error) {
    parent.postMessage({ ok: false, error: String(error) }, '*');
  }
});
parent.postMessage({ ready: true }, '*');
