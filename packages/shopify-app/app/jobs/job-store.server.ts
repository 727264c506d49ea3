import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import type { AppDatabase } from '../db/database.server';
import type { JobItemRow, JobRow } from '../db/schema';
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

const queuedStates: ItemState[] = ['pending', 'write-queued', 'revert-queued'];
const runningStates: ItemState[] = ['processing', 'writing', 'reverting'];

/** The item's kind of work, from the state it waits or runs in. */
export function workKindOf(state: string): WorkKind | undefined {
  return (Object.keys(work) as WorkKind[]).find(
    (kind) => work[kind].queued === state || work[kind].running === state,
  );
}

/** An item waiting for work, as the runner needs it to queue a background job. */
export type QueuedItem = Pick<JobItemRow, 'id' | 'shop' | 'jobId' | 'state' | 'attempts' | 'queueJobId'>;

export function createJobStore(database: AppDatabase) {
  const { db } = database;
  const { jobsTable, jobItemsTable } = database.tables;
  const now = () => new Date();
  const queuedItemColumns = {
    id: jobItemsTable.id,
    shop: jobItemsTable.shop,
    jobId: jobItemsTable.jobId,
    state: jobItemsTable.state,
    attempts: jobItemsTable.attempts,
    queueJobId: jobItemsTable.queueJobId,
  };

  /** Items of the job in any of these states exist (a subquery of the job state's update). */
  const jobHas = (...states: ItemState[]) =>
    // Drizzle puts the parentheses around an embedded query itself.
    sql`exists ${db
      .select({ one: sql`1` })
      .from(jobItemsTable)
      .where(and(eq(jobItemsTable.jobId, jobsTable.id), inArray(jobItemsTable.state, states)))}`;

  /**
   * The job's state from its items, in one statement: several workers finishing items of one
   * job at once cannot interleave a count and a write.
   */
  async function refreshJobState(jobId: string): Promise<void> {
    await db
      .update(jobsTable)
      .set({
        state: sql`case
          when ${jobHas('pending', 'processing')} then 'running'
          when ${jobHas('write-queued', 'writing')} then 'writing'
          when ${jobHas('revert-queued', 'reverting')} then 'reverting'
          when ${jobHas('ready', 'approved')} then 'review'
          else 'done' end`,
        updatedAt: now(),
      })
      .where(and(eq(jobsTable.id, jobId), ne(jobsTable.state, 'stopped')));
  }

  const refreshJobs = async (jobIds: Iterable<string>) => {
    for (const jobId of new Set(jobIds)) await refreshJobState(jobId);
  };

  return {
    async createJob(input: {
      shop: string;
      operation: OperationSettings;
      provider: string;
      estimatedCostUsd: number | undefined;
      items: NewItem[];
    }): Promise<JobRow> {
      const id = randomUUID();
      const created = now();
      const [job] = await db
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
        .returning();
      if (!job) throw new Error('The job could not be saved');
      const rows = input.items.map((item, sequence) => ({
        ...item,
        id: randomUUID(),
        jobId: id,
        shop: input.shop,
        state: 'pending',
        sequence,
        createdAt: created,
        updatedAt: created,
      }));
      try {
        // In slices: SQLite takes at most 32,766 bound values in one statement.
        for (let start = 0; start < rows.length; start += 500)
          await db.insert(jobItemsTable).values(rows.slice(start, start + 500));
      } catch (error) {
        await db.delete(jobsTable).where(eq(jobsTable.id, id));
        throw error;
      }
      return job;
    },

    async job(shop: string, jobId: string): Promise<JobRow | undefined> {
      const [job] = await db
        .select()
        .from(jobsTable)
        .where(and(eq(jobsTable.id, jobId), eq(jobsTable.shop, shop)));
      return job;
    },

    jobs(shop: string, limit = 50): Promise<JobRow[]> {
      return db
        .select()
        .from(jobsTable)
        .where(eq(jobsTable.shop, shop))
        .orderBy(desc(jobsTable.createdAt))
        .limit(limit);
    },

    items(jobId: string): Promise<JobItemRow[]> {
      return db
        .select()
        .from(jobItemsTable)
        .where(eq(jobItemsTable.jobId, jobId))
        .orderBy(jobItemsTable.createdAt, jobItemsTable.productTitle, jobItemsTable.originalPosition);
    },

    async item(shop: string, itemId: string): Promise<JobItemRow | undefined> {
      const [item] = await db
        .select()
        .from(jobItemsTable)
        .where(and(eq(jobItemsTable.id, itemId), eq(jobItemsTable.shop, shop)));
      return item;
    },

    /** Counts of items per state for each job of a shop (history page). */
    async itemCounts(jobIds: string[]): Promise<Map<string, Record<string, number>>> {
      const result = new Map<string, Record<string, number>>();
      if (jobIds.length === 0) return result;
      const rows = await db
        .select({
          jobId: jobItemsTable.jobId,
          state: jobItemsTable.state,
          count: count(),
          cost: sql<number>`coalesce(sum(${jobItemsTable.costUsd}), 0)`.mapWith(Number),
        })
        .from(jobItemsTable)
        .where(inArray(jobItemsTable.jobId, jobIds))
        .groupBy(jobItemsTable.jobId, jobItemsTable.state);
      for (const row of rows) {
        const counts = result.get(row.jobId) ?? {};
        counts[row.state] = row.count;
        counts.costUsd = (counts.costUsd ?? 0) + row.cost;
        result.set(row.jobId, counts);
      }
      return result;
    },

    /** Each job's item errors, as "product: error" lines (history page). */
    async itemErrors(jobIds: string[]): Promise<Map<string, string[]>> {
      const result = new Map<string, string[]>();
      if (jobIds.length === 0) return result;
      const rows = await db
        .select({ jobId: jobItemsTable.jobId, title: jobItemsTable.productTitle, error: jobItemsTable.error })
        .from(jobItemsTable)
        .where(and(inArray(jobItemsTable.jobId, jobIds), isNotNull(jobItemsTable.error)))
        .orderBy(jobItemsTable.createdAt, jobItemsTable.sequence);
      for (const row of rows)
        result.set(row.jobId, [...(result.get(row.jobId) ?? []), `${row.title}: ${row.error}`]);
      return result;
    },

    /** Moves items from one set of states to another (merchant decisions); returns how many moved. */
    async transition(
      shop: string,
      itemIds: string[],
      from: ItemState[],
      to: ItemState,
      extra: Partial<JobItemRow> = {},
    ): Promise<number> {
      if (itemIds.length === 0) return 0;
      const changed = await db
        .update(jobItemsTable)
        .set({ ...extra, state: to, updatedAt: now() })
        .where(
          and(
            eq(jobItemsTable.shop, shop),
            inArray(jobItemsTable.id, itemIds),
            inArray(jobItemsTable.state, from),
          ),
        )
        .returning({ jobId: jobItemsTable.jobId });
      await refreshJobs(changed.map((row) => row.jobId));
      return changed.length;
    },

    /** Items waiting for work (of one shop, or every shop), oldest first, in their job's order. */
    queuedItems(shop?: string): Promise<QueuedItem[]> {
      return db
        .select(queuedItemColumns)
        .from(jobItemsTable)
        .innerJoin(jobsTable, eq(jobsTable.id, jobItemsTable.jobId))
        .where(
          and(
            shop === undefined ? undefined : eq(jobItemsTable.shop, shop),
            inArray(jobItemsTable.state, queuedStates),
            ne(jobsTable.state, 'stopped'),
          ),
        )
        .orderBy(jobItemsTable.createdAt, jobItemsTable.sequence);
    },

    /** Records which background job carries the item's work (to cancel it on uninstall). */
    async setQueueJob(itemId: string, queueJobId: string): Promise<void> {
      await db.update(jobItemsTable).set({ queueJobId }).where(eq(jobItemsTable.id, itemId));
    },

    /**
     * Takes an item for its work: queued → running, atomically (a conditional update), so two
     * runners never both take it. An item already running is handed to the caller too: that is a
     * takeover of work a stopped process or a dead worker left, which the queue gives to one
     * worker at a time. Anything else (done, skipped, moved on) gives undefined.
     */
    async claimItem(itemId: string, kind: WorkKind): Promise<JobItemRow | undefined> {
      const { queued, running } = work[kind];
      const [claimed] = await db
        .update(jobItemsTable)
        .set({ state: running, attempts: sql`${jobItemsTable.attempts} + 1`, updatedAt: now() })
        .where(and(eq(jobItemsTable.id, itemId), eq(jobItemsTable.state, queued)))
        .returning();
      if (claimed) {
        await refreshJobState(claimed.jobId);
        return claimed;
      }
      const [resumed] = await db
        .select()
        .from(jobItemsTable)
        .where(and(eq(jobItemsTable.id, itemId), eq(jobItemsTable.state, running)));
      return resumed;
    },

    /** Items a stopped process left in a work state: they continue where they were. */
    interrupted(): Promise<QueuedItem[]> {
      return db
        .select(queuedItemColumns)
        .from(jobItemsTable)
        .where(inArray(jobItemsTable.state, runningStates));
    },

    /** Items waiting or running, across every shop (a runner is idle when there are none). */
    async pendingWork(): Promise<number> {
      const [row] = await db
        .select({ count: count() })
        .from(jobItemsTable)
        .innerJoin(jobsTable, eq(jobsTable.id, jobItemsTable.jobId))
        .where(
          and(
            inArray(jobItemsTable.state, [...queuedStates, ...runningStates]),
            ne(jobsTable.state, 'stopped'),
          ),
        );
      return row?.count ?? 0;
    },

    /** The queue jobs carrying a shop's waiting or running work. */
    async queueJobsOf(shop: string): Promise<string[]> {
      const rows = await db
        .select({ queueJobId: jobItemsTable.queueJobId })
        .from(jobItemsTable)
        .where(
          and(
            eq(jobItemsTable.shop, shop),
            inArray(jobItemsTable.state, [...queuedStates, ...runningStates]),
          ),
        );
      return rows.flatMap((row) => (row.queueJobId ? [row.queueJobId] : []));
    },

    async update(itemId: string, changes: Partial<JobItemRow>): Promise<void> {
      const [row] = await db
        .update(jobItemsTable)
        .set({ ...changes, updatedAt: now() })
        .where(eq(jobItemsTable.id, itemId))
        .returning({ jobId: jobItemsTable.jobId });
      if (changes.state && row) await refreshJobState(row.jobId);
    },

    /** The app was uninstalled: its jobs stop and their waiting items are skipped. */
    async stopShop(shop: string, reason: string): Promise<void> {
      await db
        .update(jobItemsTable)
        .set({ state: 'skipped', error: reason, updatedAt: now() })
        .where(
          and(
            eq(jobItemsTable.shop, shop),
            inArray(jobItemsTable.state, ['pending', 'processing', 'write-queued', 'revert-queued']),
          ),
        );
      await db
        .update(jobsTable)
        .set({ state: 'stopped', updatedAt: now() })
        .where(
          and(
            eq(jobsTable.shop, shop),
            inArray(jobsTable.state, ['running', 'writing', 'reverting', 'review']),
          ),
        );
    },

    /** A product was deleted: its items that had not been written are skipped. */
    async skipProduct(shop: string, productId: string): Promise<number> {
      const changed = await db
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
        .returning({ jobId: jobItemsTable.jobId });
      await refreshJobs(changed.map((row) => row.jobId));
      return changed.length;
    },

    /** shop/redact: everything the app keeps about a shop. */
    async deleteShop(shop: string): Promise<void> {
      await db.delete(jobsTable).where(eq(jobsTable.shop, shop));
    },
  };
}

export type JobStore = ReturnType<typeof createJobStore>;
