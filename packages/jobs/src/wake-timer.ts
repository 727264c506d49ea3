/**
 * One timer for the earliest time anyone asked to be woken. A later ask while it waits is
 * dropped: the callback runs first and asks again for what is still waiting.
 */
export function createWakeTimer(callback: () => void) {
  let timer: NodeJS.Timeout | undefined;
  let dueAt = Number.POSITIVE_INFINITY;
  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    dueAt = Number.POSITIVE_INFINITY;
  };
  return {
    wakeIn(delayMs: number): void {
      const at = Date.now() + delayMs;
      if (at >= dueAt) return;
      clearTimeout(timer);
      dueAt = at;
      timer = setTimeout(() => {
        cancel();
        callback();
      }, delayMs);
    },
    cancel,
  };
}
