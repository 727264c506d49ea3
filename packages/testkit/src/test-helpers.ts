/** Awaits a promise that must reject, and returns what it rejected with. */
export async function captureRejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Runs `work` `total` times with at most `concurrency` at once; returns the wall time in ms. */
export async function runConcurrently(
  total: number,
  concurrency: number,
  work: () => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await work();
      }
    }),
  );
  return performance.now() - started;
}

/** Polls until `check` holds; the timeout is a guard against a hang, not a measure. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
