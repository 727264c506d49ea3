import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AdminBudget,
  type BudgetReservation,
  createAdminBudget,
  type ThrottleStatus,
} from '../app/admin/admin-budget.server';
import { defaultBucketTimings } from '../app/admin/admin-budget-bucket.server';
import { createMemoryAdminBudget, processAdminBudget } from '../app/admin/admin-budget-memory.server';
import { createRedisAdminBudget } from '../app/admin/admin-budget-redis.server';

/** The machine's Redis; these tests keep to keys under their own random prefix and delete them after. */
const redisUrl = process.env.BACKDROP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function deleteKeys(redis: Redis, keyPrefix: string): Promise<void> {
  const keys: string[] = [];
  for await (const batch of redis.scanStream({ match: `${keyPrefix}:*`, count: 100 })) keys.push(...batch);
  if (keys.length > 0) await redis.del(...keys);
}

// The bucket's rules, run by both budgets on a hand-moved clock: the in-memory one in TypeScript,
// the Redis one in Lua. Shopify's bucket in these cases: 200 points, 50 restored per second.
const shop = 'bucket-maths.myshopify.com';
const bucket = (currentlyAvailable: number): ThrottleStatus => ({
  maximumAvailable: 200,
  currentlyAvailable,
  restoreRate: 50,
});

interface Subject {
  budget: AdminBudget;
  clock: { now: number };
  close(): Promise<void>;
}

const subjects: Array<[string, () => Subject]> = [
  [
    'in memory',
    () => {
      const clock = { now: 1_000_000 };
      return { clock, budget: createMemoryAdminBudget({ now: () => clock.now }), close: async () => {} };
    },
  ],
  [
    'in Redis (Lua)',
    () => {
      const clock = { now: 1_000_000 };
      const redis = new Redis(redisUrl);
      const keyPrefix = `backdrop-test:${randomUUID()}`;
      const budget = createRedisAdminBudget({ redis, keyPrefix, now: () => clock.now });
      return {
        clock,
        budget,
        async close() {
          await deleteKeys(redis, keyPrefix);
          await redis.quit();
        },
      };
    },
  ],
];

describe.each(subjects)('the shop’s bucket %s', (_name, makeSubject) => {
  let subject: Subject;
  beforeEach(() => {
    subject = makeSubject();
  });
  afterEach(() => subject.close());

  async function granted(points: number): Promise<BudgetReservation> {
    const grant = await subject.budget.reserve(shop, points);
    if (!grant.granted) throw new Error(`expected ${points} points at once; told to wait ${grant.waitMs} ms`);
    return grant.reservation;
  }
  async function waitFor(points: number): Promise<number> {
    const grant = await subject.budget.reserve(shop, points);
    if (grant.granted) throw new Error(`expected a wait for ${points} points; they were granted`);
    return grant.waitMs;
  }
  /** Shopify's report from one call, as the budget's first knowledge of the bucket. */
  async function reported(currentlyAvailable: number) {
    await subject.budget.settle(await granted(0), { status: bucket(currentlyAvailable), actualCost: 0 });
  }

  it('lets one call at a time through until Shopify has reported the bucket', async () => {
    const probe = await granted(30);
    expect(await waitFor(30)).toBe(defaultBucketTimings.probeWaitMs);
    await subject.budget.settle(probe, { status: bucket(170), actualCost: 30 });
    await granted(30);
    await granted(30);
  });

  it('refills at restoreRate up to the maximum, and says how long until a call’s points are there', async () => {
    await reported(0);
    expect(await waitFor(100)).toBe(2000);
    subject.clock.now += 1000;
    expect(await waitFor(100)).toBe(1000);
    subject.clock.now += 999;
    expect(await waitFor(100)).toBe(1);
    subject.clock.now += 1;
    await granted(100);
    expect(await waitFor(1)).toBe(20);
    subject.clock.now += 60_000;
    await granted(200);
    expect(await waitFor(1)).toBe(20);
  });

  it('makes a call dearer than the whole bucket wait for a full one', async () => {
    await reported(0);
    expect(await waitFor(500)).toBe(4000);
  });

  it('refunds what a call did not cost when its answer brings no report', async () => {
    await reported(200);
    const reservation = await granted(150);
    expect(await waitFor(100)).toBe(1000);
    await subject.budget.settle(reservation, { actualCost: 30 });
    await granted(100);
    expect(await waitFor(71)).toBe(20);
  });

  it('takes Shopify’s report as the truth, keeping the calls still in flight reserved', async () => {
    await reported(200);
    const first = await granted(50);
    await granted(60);
    // Shopify charged less than reserved, or refilled: 150 left, of which the call in flight holds 60.
    await subject.budget.settle(first, { status: bucket(150), actualCost: 20 });
    expect(await waitFor(91)).toBe(20);
    const third = await granted(90);
    // Something else drained the shop: the report lowers the level as well.
    await subject.budget.settle(third, { status: bucket(10), actualCost: 90 });
    expect(await waitFor(20)).toBe(1400);
  });

  it('takes only the refund from an answer older than the report applied last', async () => {
    await reported(200);
    const older = await granted(40);
    const newer = await granted(40);
    await subject.budget.settle(newer, { status: bucket(160), actualCost: 40 });
    // 160 less the 40 still in flight; the older answer's report (180) is stale, its refund is not.
    await subject.budget.settle(older, { status: bucket(180), actualCost: 10 });
    expect(await waitFor(151)).toBe(20);
    await granted(150);
  });

  it('pauses every caller after a THROTTLED answer, ending a timer’s few milliseconds early', async () => {
    await reported(200);
    const throttled = await granted(100);
    await subject.budget.settle(throttled, { status: bucket(20), actualCost: 0, pauseMs: 1700 });
    expect(await waitFor(1)).toBe(1700);
    subject.clock.now += 1000;
    expect(await waitFor(1)).toBe(700);
    subject.clock.now += 700 - defaultBucketTimings.timerEarlinessMs;
    await granted(100);
  });

  it('stops counting a reservation never settled (its process died) after a while', async () => {
    await granted(30);
    expect(await waitFor(30)).toBe(defaultBucketTimings.probeWaitMs);
    subject.clock.now += defaultBucketTimings.abandonAfterMs;
    await granted(30);
  });
});

describe('the Redis budget', () => {
  const redis = new Redis(redisUrl);
  const keyPrefix = `backdrop-test:${randomUUID()}`;
  afterAll(async () => {
    await deleteKeys(redis, keyPrefix);
    await redis.quit();
  });

  it('keeps one hash per shop under its prefix, on Redis’s clock, expiring when idle', async () => {
    const budget = createRedisAdminBudget({ redis, keyPrefix, timings: { idleExpiryMs: 30_000 } });
    const probe = await budget.reserve(shop, 10);
    expect(probe.granted).toBe(true);
    if (!probe.granted) return;
    await budget.settle(probe.reservation, { status: bucket(190), actualCost: 10 });
    expect(await budget.reserve(shop, 10)).toMatchObject({ granted: true });
    const key = `${keyPrefix}:${shop}`;
    expect(await redis.keys(`${keyPrefix}:*`)).toEqual([key]);
    expect(await redis.type(key)).toBe('hash');
    const expiresIn = await redis.pttl(key);
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(30_000);
    const level = Number(await redis.hget(key, 'level'));
    // 190 reported, 10 reserved since, a few ms of refill at most.
    expect(level).toBeGreaterThanOrEqual(180);
    expect(level).toBeLessThan(185);
  });

  it('lets calls go ahead unbudgeted when Redis cannot be reached, saying so once and without the password', async () => {
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const budget = createAdminBudget({ redisUrl: 'redis://:hunter2-secret@127.0.0.1:1', keyPrefix });
    try {
      for (let call = 0; call < 2; call++) {
        const grant = await budget.reserve(shop, 10);
        expect(grant).toMatchObject({ granted: true, reservation: { sequence: undefined } });
        if (grant.granted) await budget.settle(grant.reservation, { actualCost: 10 });
      }
      expect(warnings).toHaveBeenCalledTimes(1);
      expect(String(warnings.mock.calls[0]?.[0])).toMatch(/Redis cannot be reached .*unbudgeted/);
      expect(String(warnings.mock.calls[0]?.[0])).not.toContain('hunter2');
    } finally {
      warnings.mockRestore();
      await budget.close();
    }
  });

  it('is this process’s own budget when no Redis URL is given', () => {
    expect(createAdminBudget()).toBe(processAdminBudget());
  });
});
