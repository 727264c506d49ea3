/**
 * `@fal-ai/client` keeps a state machine per connection key in a module-level map it never
 * clears, and its default key is a new random one per `connect`: every session would leave one
 * behind. The adapter hands out its own keys and reuses one once its socket is certainly gone:
 * at once when nothing was ever sent or its close was seen, else after a quarantine long
 * enough for a closing socket to finish (a late close event reaching a reused key would end
 * the new session's socket).
 */
export function createFalConnectionKeys(quarantineMs = 60_000) {
  const free: Array<{ key: string; app: string; reusableAt: number }> = [];
  let created = 0;
  return {
    acquire(app: string): string {
      const now = Date.now();
      const index = free.findIndex((entry) => entry.app === app && entry.reusableAt <= now);
      const reused = index >= 0 ? free.splice(index, 1)[0] : undefined;
      if (reused) return reused.key;
      created++;
      return `backdrop-realtime-${crypto.randomUUID()}`;
    },
    /** Gives a key back; `settled` when its socket is known closed (or was never opened). */
    release(key: string, app: string, settled: boolean): void {
      free.push({ key, app, reusableAt: settled ? 0 : Date.now() + quarantineMs });
    },
    /** The socket of a key given back has closed since: it may be reused at once. */
    settled(key: string): void {
      const entry = free.find((candidate) => candidate.key === key);
      if (entry) entry.reusableAt = 0;
    },
    /** How many keys (fal client cache entries) this adapter ever made. */
    get created(): number {
      return created;
    },
  };
}

export type FalConnectionKeys = ReturnType<typeof createFalConnectionKeys>;
