/** Timers an emulator can cancel all at once when it closes. */
export function createScheduler() {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  return {
    later(delayMs: number, work: () => void): void {
      const timer = setTimeout(() => {
        timers.delete(timer);
        work();
      }, delayMs);
      timers.add(timer);
    },
    clear(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
