import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { AppDatabase } from '../db/database.server';
import { type JobItemRow, type JobRow, jobItemsTable, jobsTable } from '../db/schema';
import type { OperationSettings } from '../processing/operation-settings';

/** An item's life. Work states (processing, writing, reverting) are taken by one runner at a time. */
export const itemStates = {
  pending: 'pending',
  processing: 'processing',
  ready: 'ready',
  approved: 'approved',
  rejected: 'rejected',
  writeQueued: 'write-queued',
  writing: 'writing',
  written: 'written',
  revertQueued: 'revert-queued',
  reverting: 'reverting',
  reverted: 'reverted',
  failed: 'failed',
  skipped: 'skipped',
} as const;

export type ItemState = (typeof itemStates)[keyof typeof itemStates];
export type WorkKind = 'process' | 'write' | 'revert';

/** For each kind of work: the state that waits for it and the state while it runs. */
export const work: Record<WorkKind, { queued: ItemState; running: ItemState }> = {
  process: { queued: 'pending', running: 'processing' },
  write: { queued: 'write-queued', running: 'writing' },
  revert: { queued: 'revert-queued', running: 'reverting' },
};

export interface NewItem {
  productId: string;
  productTitle: string;
  originalMediaId: string;
  originalUrl: string;
  originalAlt: string | null;
  originalPosition: number;
  originalVariantIds: string[];
}

export function createJobStore(database: AppDatabase) {
  const now = () => new Date();

  function refreshJobState(jobId: string): void {
    const counts = database
      .select({ state: jobItemsTable.state, count: sql<number>`count(*)` })
      .from(jobItemsTable)
      .where(eq(jobItemsTable.jobId, jobId))
      .groupBy(jobItemsTable.state)
      .all();
    const has = (...states: ItemState[]) => counts.some((row) => states.includes(row.state as ItemState));
    const job = database
      .select({ state: jobsTable.state })
      .from(jobsTable)
      .where(eq(jobsTable.id, jobId))
      .get();
    if (!job || job.state === 'stopped') return;
    const state = has('pending', 'processing')
      ? 'running'
      : has('write-queued', 'writing')
        ? 'writing'
        : has('revert-queued', 'reverting')
          ? 'reverting'
          : has('ready', 'approved')
            ? 'review'
            : 'done';
    database.update(jobsTable).set({ state, updatedAt: now() }).where(eq(jobsTable.id, jobId)).run();
  }

  return {
    createJob(input: {
      shop: string;
      operation: OperationSettings;
      provider: string;
      estimatedCostUsd: number | undefined;
      items: NewItem[];
    }): JobRow {
      const id = randomUUID();
      const created = now();
      return database.transaction((transaction) => {
        const job = transaction
          .insert(jobsTable)
          .values({
            id,
            shop: input.shop,
            state: 'running',
            operation: input.operation,
            provider: input.provider,
            estimatedCostUsd: input.estimatedCostUsd ?? null,
            createdAt: created,
            updatedAt: created,
          })
          .returning()
          .get();
        for (const item of input.items)
          transaction
            .insert(jobItemsTable)
            .values({
              ...item,
              id: randomUUID(),
              jobId: id,
              shop: input.shop,
              state: 'pending',
              createdAt: created,
              updatedAt: created,
            })
            .run();
        return job;
      });
    },

    job(shop: string, jobId: string): JobRow | undefined {
      return database
        .select()
        .from(jobsTable)
        .where(and(eq(jobsTable.id, jobId), eq(jobsTable.shop, shop)))
        .get();
    },

    jobs(shop: string, limit = 50): JobRow[] {
      return database
        .select()
        .from(jobsTable)
        .where(eq(jobsTable.shop, shop))
        .orderBy(desc(jobsTable.createdAt))
        .limit(limit)
        .all();
    },

    items(jobId: string): JobItemRow[] {
      return database
        .select()
        .from(jobItemsTable)
        .where(eq(jobItemsTable.jobId, jobId))
        .orderBy(jobItemsTable.createdAt, jobItemsTable.productTitle, jobItemsTable.originalPosition)
        .all();
    },

    item(shop: string, itemId: string): JobItemRow | undefined {
      return database
        .select()
        .from(jobItemsTable)
        .where(and(eq(jobItemsTable.id, itemId), eq(jobItemsTable.shop, shop)))
        .get();
    },

    /** Counts of items per state for each job of a shop (history page). */
    itemCounts(jobIds: string[]): Map<string, Record<string, number>> {
      const result = new Map<string, Record<string, number>>();
      if (jobIds.length === 0) return result;
      const rows = database
        .select({
          jobId: jobItemsTable.jobId,
          state: jobItemsTable.state,
          count: sql<number>`count(*)`,
          cost: sql<number>`coalesce(sum(${jobItemsTable.costUsd}), 0)`,
        })
        .from(jobItemsTable)
        .where(inArray(jobItemsTable.jobId, jobIds))
        .groupBy(jobItemsTable.jobId, jobItemsTable.state)
        .all();
      for (const row of rows) {
        const counts = result.get(row.jobId) ?? {};
        counts[row.state] = row.count;
        counts.costUsd = (counts.costUsd ?? 0) + row.cost;
        result.set(row.jobId, counts);
      }
      return result;
    },

    /** Moves items from one set of states to another (merchant decisions); returns how many moved. */
    transition(
      shop: string,
      itemIds: string[],
      from: ItemState[],
      to: ItemState,
      extra: Partial<JobItemRow> = {},
    ): number {
      if (itemIds.length === 0) return 0;
      const changed = database
        .update(jobItemsTable)
        .set({ ...extra, state: to, updatedAt: now() })
        .where(
          and(
            eq(jobItemsTable.shop, shop),
            inArray(jobItemsTable.id, itemIds),
            inArray(jobItemsTable.state, from),
          ),
        )
        .returning({ jobId: jobItemsTable.jobId })
        .all();
      for (const jobId of new Set(changed.map((row) => row.jobId))) refreshJobState(jobId);
      return changed.length;
    },

    /**
     * Takes the next queued item of a shop for one kind of work, atomically (SQLite runs one writer
     * at a time): the same item is never handed out twice.
     */
    claim(shop: string, kind: WorkKind): JobItemRow | undefined {
      const { queued, running } = work[kind];
      const claimed = database.transaction((transaction) => {
        const next = transaction
          .select({ id: jobItemsTable.id })
          .from(jobItemsTable)
          .innerJoin(jobsTable, eq(jobsTable.id, jobItemsTable.jobId))
          .where(
            and(
              eq(jobItemsTable.shop, shop),
              eq(jobItemsTable.state, queued),
              sql`${jobsTable.state} != 'stopped'`,
            ),
          )
          .orderBy(jobItemsTable.createdAt, sql`${jobItemsTable}.rowid`)
          .limit(1)
          .get();
        if (!next) return undefined;
        return transaction
          .update(jobItemsTable)
          .set({ state: running, attempts: sql`${jobItemsTable.attempts} + 1`, updatedAt: now() })
          .where(and(eq(jobItemsTable.id, next.id), eq(jobItemsTable.state, queued)))
          .returning()
          .get();
      });
      if (claimed) refreshJobState(claimed.jobId);
      return claimed;
    },

    /** Items a stopped process left in a work state: they continue where they were. */
    interrupted(): JobItemRow[] {
      return database
        .select()
        .from(jobItemsTable)
        .where(inArray(jobItemsTable.state, ['processing', 'writing', 'reverting']))
        .all();
    },

    /** Shops with queued work of any kind. */
    shopsWithQueuedWork(): string[] {
      return database
        .selectDistinct({ shop: jobItemsTable.shop })
        .from(jobItemsTable)
        .where(inArray(jobItemsTable.state, ['pending', 'write-queued', 'revert-queued']))
        .all()
        .map((row) => row.shop);
    },

    update(itemId: string, changes: Partial<JobItemRow>): void {
      database
        .update(jobItemsTable)
        .set({ ...changes, updatedAt: now() })
        .where(eq(jobItemsTable.id, itemId))
        .run();
      if (changes.state) {
        const row = database
          .select({ jobId: jobItemsTable.jobId })
          .from(jobItemsTable)
          .where(eq(jobItemsTable.id, itemId))
          .get();
        if (row) refreshJobState(row.jobId);
      }
    },

    /** The app was uninstalled: its jobs stop and their waiting items are skipped. */
    stopShop(shop: string, reason: string): void {
      database.transaction((transaction) => {
        transaction
          .update(jobItemsTable)
          .set({ state: 'skipped', error: reason, updatedAt: now() })
          .where(
            and(
              eq(jobItemsTable.shop, shop),
              inArray(jobItemsTable.state, ['pending', 'processing', 'write-queued', 'revert-queued']),
            ),
          )
          .run();
        transaction
          .update(jobsTable)
          .set({ state: 'stopped', updatedAt: now() })
          .where(
            and(
              eq(jobsTable.shop, shop),
              inArray(jobsTable.state, ['running', 'writing', 'reverting', 'review']),
            ),
          )
          .run();
      });
    },

    /** A product was deleted: its items that had not been written are skipped. */
    skipProduct(shop: string, productId: string): number {
      const changed = database
        .update(jobItemsTable)
        .set({ state: 'skipped', error: 'The product was deleted in Shopify', updatedAt: now() })
        .where(
          and(
            eq(jobItemsTable.shop, shop),
            eq(jobItemsTable.productId, productId),
            inArray(jobItemsTable.state, [
              'pending',
              'ready',
              'approved',
              'rejected',
              'write-queued',
              'failed',
            ]),
          ),
        )
        .returning({ jobId: jobItemsTable.jobId })
        .all();
      for (const jobId of new Set(changed.map((row) => row.jobId))) refreshJobState(jobId);
      return changed.length;
    },

    /** shop/redact: everything the app keeps about a shop. */
    deleteShop(shop: string): void {
      database.delete(jobsTable).where(eq(jobsTable.shop, shop)).run();
    },
  };
}

export type JobStore = ReturnType<typeof createJobStore>;
