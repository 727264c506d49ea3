import { randomUUID } from 'node:crypto';
import { TEST_SHOP } from '@shopify/shopify-api/test-helpers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi } from '../app/admin/admin-api.server';
import { type AdminBudget, createAdminBudget } from '../app/admin/admin-budget.server';
import { createMemoryAdminBudget } from '../app/admin/admin-budget-memory.server';
import { variantsSetMediaMutation } from '../app/admin/admin-operations';
import { startTestApp, type TestApp } from './test-app';

/** The machine's Redis; these tests keep to keys under their own random prefix and delete them after. */
const redisUrl = process.env.BACKDROP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function deleteKeys(redis: Redis, keyPrefix: string): Promise<void> {
  const keys: string[] = [];
  for await (const batch of redis.scanStream({ match: `${keyPrefix}:*`, count: 100 })) keys.push(...batch);
  if (keys.length > 0) await redis.del(...keys);
}

// A small shop bucket, so that two workers calling at once overspend it within the first second.
const maximumAvailable = 200;
const restoreRate = 50;

// Shopify charges it in full (6 products, at least one variant each): 32 points asked, 27 taken.
const productsQuery = `#graphql
  query BudgetTestProducts {
    products(first: 6) {
      nodes {
        id
        variants(first: 2) {
          nodes {
            id
          }
        }
      }
    }
  }
`;

// Asks for the whole bucket: 2 + 6 × (1 + 2 + 30) = 200 points.
const wholeBucketQuery = `#graphql
  query BudgetTestWholeBucket {
    products(first: 6) {
      nodes {
        id
        variants(first: 30) {
          nodes {
            id
          }
        }
      }
    }
  }
`;

let app: TestApp;
const prefixes: string[] = [];
const budgets: AdminBudget[] = [];
beforeAll(async () => {
  app = await startTestApp({ maximumAvailable, restoreRate });
});
afterAll(async () => {
  await Promise.all(budgets.map((budget) => budget.close()));
  const redis = new Redis(redisUrl);
  for (const prefix of prefixes) await deleteKeys(redis, prefix);
  await redis.quit();
  await app?.close();
});

/**
 * Two budgets standing for two worker processes: over one Redis key prefix (each budget with its
 * own connection), or each its own memory. Both workers run in this test's process, so they share
 * what it keeps per process besides the budget: learned query costs and the mutation queue.
 */
function twoWorkerBudgets(shared: boolean): [AdminBudget, AdminBudget] {
  const keyPrefix = `backdrop-test:${randomUUID()}`;
  prefixes.push(keyPrefix);
  const make = () => (shared ? createAdminBudget({ redisUrl, keyPrefix }) : createMemoryAdminBudget());
  const pair: [AdminBudget, AdminBudget] = [make(), make()];
  budgets.push(...pair);
  return pair;
}

async function adminApi(budget: AdminBudget, sleeps: number[] = []) {
  const { admin } = await app.shopify.unauthenticated.admin(TEST_SHOP);
  return createAdminApi({
    shop: TEST_SHOP,
    graphql: admin.graphql,
    budget,
    sleep: (milliseconds) => {
      sleeps.push(milliseconds);
      return new Promise((resolve) => setTimeout(resolve, milliseconds));
    },
  });
}

const loopsPerWorker = 3;
const roundsPerLoop = 2;

/** One worker: `loopsPerWorker` loops at once, each reading the products then re-pointing a variant. */
async function runWorker(budget: AdminBudget) {
  const api = await adminApi(budget);
  const mug = app.products.find((product) => product.title === 'Ruby Mug');
  const readProducts = api.request as unknown as (
    operation: string,
  ) => Promise<{ products: { nodes: unknown[] } }>;
  let answered = 0;
  await Promise.all(
    Array.from({ length: loopsPerWorker }, async () => {
      for (let round = 0; round < roundsPerLoop; round++) {
        const { products } = await readProducts(productsQuery);
        expect(products.nodes).toHaveLength(6);
        const { productVariantsBulkUpdate } = await api.request(variantsSetMediaMutation, {
          productId: mug?.id ?? '',
          variants: [{ id: mug?.variants[0]?.id ?? '', mediaId: mug?.mediaIds[0] }],
        });
        expect(productVariantsBulkUpdate?.userErrors).toEqual([]);
        answered += 2;
      }
    }),
  );
  return answered;
}

/** Both workers at once against the shop, from a full bucket; what the shop saw. */
async function hammer(shared: boolean) {
  const [first, second] = twoWorkerBudgets(shared);
  app.shop.bucket.drainTo(maximumAvailable);
  const start = app.shop.calls.length;
  const started = performance.now();
  const answered = await Promise.all([runWorker(first), runWorker(second)]);
  const calls = app.shop.calls.slice(start);
  return {
    answered: answered[0] + answered[1],
    throttled: calls.filter((call) => call.throttled).length,
    points: calls.reduce((total, call) => total + (call.actualCost ?? 0), 0),
    seconds: (performance.now() - started) / 1000,
  };
}

const callsPerRun = 2 * loopsPerWorker * roundsPerLoop * 2;

describe('one shop’s Admin API budget shared by two worker processes', () => {
  it('through Redis: no THROTTLED answer, every call answered, the bucket used past its size', async () => {
    const run = await hammer(true);
    console.info(`shared Redis budget: ${JSON.stringify(run)}`);
    expect(run.answered).toBe(callsPerRun);
    expect(run.throttled).toBe(0);
    // The run needed the bucket to refill: the budget, not the shop's size, set the pace.
    expect(run.points).toBeGreaterThan(maximumAvailable * 1.5);
  });

  it('each in its own memory: the same run overspends the shop and meets THROTTLED answers', async () => {
    const run = await hammer(false);
    console.info(`separate in-memory budgets: ${JSON.stringify(run)}`);
    expect(run.answered).toBe(callsPerRun);
    expect(run.throttled).toBeGreaterThan(0);
  });

  it('makes every worker wait out a THROTTLED answer, not only the one that met it', async () => {
    const [first, second] = twoWorkerBudgets(true);
    const firstSleeps: number[] = [];
    const secondSleeps: number[] = [];
    const firstApi = await adminApi(first, firstSleeps);
    const secondApi = await adminApi(second, secondSleeps);
    const read = (api: typeof firstApi, query: string) =>
      (api.request as unknown as (operation: string) => Promise<unknown>)(query);
    // Something else emptied the shop: a whole bucket's read is THROTTLED for 4 s, however slow the machine.
    app.shop.bucket.drainTo(0);
    const start = app.shop.calls.length;
    const firstRead = read(firstApi, wholeBucketQuery);
    // Its first sleep is the THROTTLED wait (the budget let the first call through unasked).
    await expect.poll(() => firstSleeps.length, { interval: 5, timeout: 3_000 }).toBe(1);
    await read(secondApi, productsQuery);
    await firstRead;
    const calls = app.shop.calls.slice(start);
    expect(calls.map((call) => call.throttled)).toEqual([true, false, false]);
    // The second worker never met the THROTTLED answer, yet waited for the pause it set.
    expect(secondSleeps.length).toBeGreaterThan(0);
    expect(secondSleeps[0]).toBeGreaterThan(1000);
  });
});
