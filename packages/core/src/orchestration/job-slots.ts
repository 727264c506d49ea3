import { abortReason } from './call-signal.js';

/** Frees a slot; calling it again does nothing. */
export type ReleaseSlot = () => void;

/**
 * A limit on provider jobs in flight. A call takes a slot after its media is uploaded and
 * before its job starts, and frees it once the job has ended, so the uploads and downloads of
 * other calls go on while every slot is busy, and a freed slot starts the next job at once.
 */
export interface JobSlots {
  /** Resolves when a slot is free (first come, first served), or rejects when `signal` aborts. */
  acquire(signal: AbortSignal): Promise<ReleaseSlot>;
}

export function createJobSlots(limit: number): JobSlots {
  let inUse = 0;
  const waiting: Array<() => void> = [];

  function take(): ReleaseSlot {
    inUse++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inUse--;
      waiting.shift()?.();
    };
  }

  return {
    acquire(signal) {
      if (signal.aborted) return Promise.reject(abortReason(signal));
      if (inUse < limit && waiting.length === 0) return Promise.resolve(take());
      return new Promise((resolve, reject) => {
        const grant = () => {
          signal.removeEventListener('abort', onAbort);
          resolve(take());
        };
        const onAbort = () => {
          waiting.splice(waiting.indexOf(grant), 1);
          reject(abortReason(signal));
        };
        waiting.push(grant);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
