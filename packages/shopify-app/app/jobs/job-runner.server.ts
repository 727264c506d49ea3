import type { JobItemRow } from '../db/schema';
import type { JobStore, WorkKind } from './job-store.server';

/**
 * Runs queued item work in the background. The app only talks to this interface, so the
 * in-process runner below can be swapped for a distributed one (BullMQ) without touching routes.
 */
export interface JobRunner {
  /** Items of this shop were queued: take them when there is room. */
  notify(shop: string): void;
  /** Resumes what a previous process left running, then everything queued. */
  start(): void;
  /** Aborts the shop's running work (the app was uninstalled). */
  stopShop(shop: string): void;
  /** Resolves when nothing is running or queued (tests and benchmarks). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Does one item's work and records its outcome in the store. */
export type WorkHandler = (item: JobItemRow, kind: WorkKind, signal: AbortSignal) => Promise<void>;

export interface InProcessJobRunnerOptions {
  store: JobStore;
  handle: WorkHandler;
  /** Images processed at once per shop (default 2). Write-back and revert run one at a time per shop. */
  processConcurrency?: number;
  onError?: (error: unknown) => void;
}

type Lane = 'process' | 'media';
const laneOf = (kind: WorkKind): Lane => (kind === 'process' ? 'process' : 'media');

/** The embedded default: a queue over the jobs tables, in this process, bounded per shop. */
export function createInProcessJobRunner(options: InProcessJobRunnerOptions): JobRunner {
  const limits: Record<Lane, number> = { process: options.processConcurrency ?? 2, media: 1 };
  const active = new Map<string, Record<Lane, number>>();
  const controllers = new Map<string, Set<AbortController>>();
  let running = 0;
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  const activeOf = (shop: string) => {
    let counts = active.get(shop);
    if (!counts) {
      counts = { process: 0, media: 0 };
      active.set(shop, counts);
    }
    return counts;
  };

  function settleIdle(): void {
    if (running > 0) return;
    if (options.store.shopsWithQueuedWork().some((shop) => !closed && hasRoom(shop))) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function hasRoom(shop: string): boolean {
    const counts = activeOf(shop);
    return counts.process < limits.process || counts.media < limits.media;
  }

  function run(item: JobItemRow, kind: WorkKind): void {
    const lane = laneOf(kind);
    activeOf(item.shop)[lane] += 1;
    running += 1;
    const controller = new AbortController();
    const shopControllers = controllers.get(item.shop) ?? new Set();
    shopControllers.add(controller);
    controllers.set(item.shop, shopControllers);
    void options
      .handle(item, kind, controller.signal)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        shopControllers.delete(controller);
        activeOf(item.shop)[lane] -= 1;
        running -= 1;
        kick(item.shop);
        settleIdle();
      });
  }

  function kick(shop: string): void {
    if (closed) return;
    const counts = activeOf(shop);
    for (const kind of ['write', 'revert', 'process'] as const) {
      const lane = laneOf(kind);
      while (counts[lane] < limits[lane]) {
        const item = options.store.claim(shop, kind);
        if (!item) break;
        run(item, kind);
      }
    }
  }

  const kindOfRunningState: Record<string, WorkKind> = {
    processing: 'process',
    writing: 'write',
    reverting: 'revert',
  };

  return {
    notify: kick,
    start() {
      // One process owns the queue: whatever is in a work state was cut off by a stop; go on with it.
      for (const item of options.store.interrupted()) {
        const kind = kindOfRunningState[item.state];
        if (kind) run(item, kind);
      }
      for (const shop of options.store.shopsWithQueuedWork()) kick(shop);
    },
    stopShop(shop) {
      for (const controller of controllers.get(shop) ?? [])
        controller.abort(new Error('The app was uninstalled'));
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
    async close() {
      closed = true;
      for (const shopControllers of controllers.values())
        for (const controller of shopControllers) controller.abort(new Error('The app is shutting down'));
      if (running > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
