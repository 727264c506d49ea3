import { BackdropError } from '../errors/backdrop-error.js';

export interface CallSignal {
  signal: AbortSignal;
  /** Milliseconds since the epoch when the call's time runs out, if it has a timeout. */
  deadline: number | undefined;
  dispose(): void;
}

/**
 * One signal for a whole call: aborted with an `aborted` BackdropError when the caller's signal
 * fires, or with a `timeout` one when the call's time runs out.
 */
export function createCallSignal(options: {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}): CallSignal {
  const controller = new AbortController();
  const { signal: callerSignal, timeoutMs } = options;
  const abortFromCaller = () =>
    controller.abort(
      new BackdropError({ code: 'aborted', message: 'the call was aborted', cause: callerSignal?.reason }),
    );
  if (callerSignal?.aborted) abortFromCaller();
  else callerSignal?.addEventListener('abort', abortFromCaller, { once: true });

  let timer: ReturnType<typeof setTimeout> | undefined;
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    timer = setTimeout(() => {
      controller.abort(
        new BackdropError({
          code: 'timeout',
          retryable: false,
          message: `the call did not finish within its ${timeoutMs} ms timeout`,
        }),
      );
    }, timeoutMs);
  }
  return {
    signal: controller.signal,
    deadline: timeoutMs === undefined ? undefined : Date.now() + timeoutMs,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      callerSignal?.removeEventListener('abort', abortFromCaller);
    },
  };
}

/** The BackdropError a signal was aborted with. */
export function abortReason(signal: AbortSignal): BackdropError {
  return BackdropError.isInstance(signal.reason)
    ? signal.reason
    : new BackdropError({ code: 'aborted', message: 'the call was aborted', cause: signal.reason });
}

/** Waits, or rejects with the signal's reason as soon as it aborts. */
export function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A signal that aborts `graceMs` after `signal` does: for a request already in flight whose
 * answer is still wanted after the caller gave up (the id of a job that must then be cancelled).
 */
export function graceSignal(signal: AbortSignal, graceMs: number): AbortSignal {
  const controller = new AbortController();
  const start = () => {
    const timer: unknown = setTimeout(() => controller.abort(abortReason(signal)), graceMs);
    // Node: the grace alone must not hold a stopping process open; a request still in flight does.
    (timer as { unref?: () => void }).unref?.();
  };
  if (signal.aborted) start();
  else signal.addEventListener('abort', start, { once: true });
  return controller.signal;
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
