// `pnpm --filter @backdrop/shopify-app bench` (second part): the app scaled out. 10 shops on fake
// shops (Shopify's Advanced-plan bucket: 4,000 points, 200 restored per second), 2,000 product
// images through the fal emulator at a fixed latency, then written back. Three runs:
//   1. BullMQ on Redis + PostgreSQL: 2 app instances queue, 3 worker processes work;
//   2. the in-process back end + SQLite: one app process does everything;
//   3. run 1 again with one worker SIGKILLed and Redis restarted in the middle.
// Prints images per second against the provider-latency limit N·L/C, p50/p95 per image, Admin API
// points per image, peak Redis memory, and what was redone. BENCH_SHOPS / BENCH_IMAGES_PER_SHOP /
// BENCH_LATENCY_MS make it smaller or larger.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type FakeShop,
  makeSampleImage,
  startFakeShop,
  startFalEmulator,
  startOwnRedis,
} from '@backdrop/testkit';
import { API_KEY, API_SECRET_KEY, setUpValidSession } from '@shopify/shopify-api/test-helpers';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { openDatabase } from '../app/db/database.server';
import { createPostgresDatabase } from '../test/support/postgres-database';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const shopCount = Number(process.env.BENCH_SHOPS ?? 10);
const imagesPerShop = Number(process.env.BENCH_IMAGES_PER_SHOP ?? 200);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 500);
const images = shopCount * imagesPerShop;
// The app's limits: 2 images processed at once per shop, across every worker (the jobs' tenant
// concurrency), each worker taking up to 8 at once: C = min(2 × shops, 8 × workers). The
// in-process app is given the same 24 in its one process, so both runs have the same C.
const perShopConcurrency = 2;
const workerCount = 3;
const perWorker = 8;
const concurrency = Math.min(perShopConcurrency * shopCount, perWorker * workerCount);
const runs = (process.env.BENCH_RUNS ?? 'redis,in-process,faults').split(',');

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
};

interface RunResult {
  label: string;
  processSeconds: number;
  writeSeconds: number;
  perImage: number[];
  points: number;
  falJobs: number;
  attachesPerProduct: Map<string, number>;
  written: number;
  redisPeakBytes?: number;
  faults: string[];
}

/** A process of the run, its JSON lines gathered. */
function startProcess(script: string, environment: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: packageRoot,
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Array<Record<string, unknown> & { event: string; at?: number }> = [];
  let errors = '';
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) events.push(JSON.parse(line));
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, events, exited, errors: () => errors };
}

/** How many items are in a state right now (read from the run's database). */
async function itemsInState(databaseUrl: string, state: string): Promise<number> {
  const database = await openDatabase(databaseUrl);
  try {
    const { jobItemsTable } = database.tables;
    const rows = await database.db
      .select({ id: jobItemsTable.id })
      .from(jobItemsTable)
      .where(eq(jobItemsTable.state, state));
    return rows.length;
  } finally {
    await database.close();
  }
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

async function waitFor(check: () => boolean, what: string, timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function fakeShops(): Promise<FakeShop[]> {
  const photo = await makeSampleImage('jpeg', 160, 120);
  const shops: FakeShop[] = [];
  for (let index = 0; index < shopCount; index++) {
    const shop = await startFakeShop({
      shop: `bench-${index}.myshopify.com`,
      maximumAvailable: 4000,
      restoreRate: 200,
    });
    for (let product = 0; product < imagesPerShop; product++)
      await shop.addProduct({
        title: `Product ${product}`,
        images: [{ bytes: photo, fileName: `product-${product}.jpg`, alt: `Product ${product}` }],
        variants: [{ title: 'Default Title', image: 0 }],
      });
    shops.push(shop);
  }
  return shops;
}

async function run(label: string, backend: { redis: boolean; faults?: boolean }): Promise<RunResult> {
  const shops = await fakeShops();
  const fal = await startFalEmulator({ queueMs: latencyMs - 40, processingMs: 40 });
  const redis = backend.redis ? await startOwnRedis() : undefined;
  const postgres = backend.redis ? await createPostgresDatabase() : undefined;
  const databaseUrl =
    postgres?.url ?? `file:${join(mkdtempSync(join(tmpdir(), 'backdrop-scale-')), 'app.sqlite')}`;
  const database = await openDatabase(databaseUrl);
  for (const shop of shops)
    await database.sessionStorage.storeSession(setUpValidSession({ shop: shop.shop }));
  await database.close();
  const environment: Record<string, string> = {
    SHOPIFY_TESTING: '1',
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET_KEY,
    SHOPIFY_APP_URL: 'https://my-test-app.myshopify.io',
    SHOPIFY_ADMIN_API_ORIGIN: shops.map((shop) => `${shop.shop}=${shop.origin}`).join(','),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis?.url ?? '',
    BACKDROP_STALL_TIMEOUT_MS: '5000',
    BACKDROP_LOG_WORK: '1',
    BACKDROP_WORKER_CONCURRENCY: String(backend.redis ? perWorker : perWorker * workerCount),
    FAL_KEY: 'test-fal-key',
    BACKDROP_FAL_PROXY_URL: fal.proxyUrl,
    BACKDROP_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1',
    INFERENCE_API_KEY: '',
  };
  const faults: string[] = [];
  const workers = backend.redis
    ? Array.from({ length: workerCount }, () => startProcess('server/worker.ts', environment))
    : [];
  const instanceShops = backend.redis ? [shops.slice(0, shopCount / 2), shops.slice(shopCount / 2)] : [shops];
  const instances = instanceShops.map((group) =>
    startProcess('bench/support/app-instance.ts', {
      ...environment,
      BENCH_SHOPS: group.map((shop) => shop.shop).join(','),
    }),
  );
  const processes = [...workers, ...instances];
  const workDone = () =>
    processes.flatMap((process) => process.events.filter((event) => event.event === 'work-done'));
  const processedCount = () => workDone().filter((event) => event.kind === 'process').length;
  const instancesAt = (event: string) =>
    instances.every((instance) => instance.events.some((entry) => entry.event === event));
  const timeOf = (event: string, pick: (times: number[]) => number) =>
    pick(instances.map((instance) => instance.events.find((entry) => entry.event === event)?.at ?? 0));
  let redisPeakBytes = 0;
  const redisClient = redis ? new Redis(redis.url, { maxRetriesPerRequest: null }) : undefined;
  redisClient?.on('error', () => undefined);
  const sampleRedis = setInterval(() => {
    redisClient
      ?.info('memory')
      .then((info) => {
        const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
        redisPeakBytes = Math.max(redisPeakBytes, used);
      })
      .catch(() => undefined);
  }, 250);

  try {
    if (backend.faults && redis) {
      await waitFor(() => processedCount() >= images * 0.3, '30% processed');
      workers[0]?.child.kill('SIGKILL');
      const inHand = await itemsInState(databaseUrl, 'processing');
      faults.push(
        `worker ${workers[0]?.child.pid} SIGKILLed at ${processedCount()} images processed (${inHand} images were being processed by the 3 workers)`,
      );
      await waitFor(() => processedCount() >= images * 0.6, '60% processed');
      await redis.kill();
      faults.push(`Redis killed at ${processedCount()} images processed`);
      await sleep(2_000);
      await redis.start();
      faults.push('Redis restarted 2 s later (append-only file, fsync always)');
    }
    await waitFor(() => instancesAt('written'), 'every instance to finish', 60 * 60_000);
  } catch (error) {
    for (const process of processes) console.error(process.errors().slice(-2000));
    throw error;
  } finally {
    clearInterval(sampleRedis);
  }
  const processSeconds =
    (timeOf('processed', (times) => Math.max(...times)) - timeOf('queued', (times) => Math.min(...times))) /
    1000;
  const writeSeconds =
    (timeOf('written', (times) => Math.max(...times)) -
      timeOf('write-queued', (times) => Math.min(...times))) /
    1000;
  const attachesPerProduct = new Map<string, number>();
  let points = 0;
  let written = 0;
  for (const shop of shops) {
    for (const call of shop.calls) {
      points += call.actualCost ?? 0;
      if (call.fields[0] === 'productUpdate' && !call.throttled && call.errors.length === 0) {
        const product = /gid:\/\/shopify\/Product\/\d+/.exec(JSON.stringify(call.variables))?.[0];
        const key = `${shop.shop} ${product}`;
        attachesPerProduct.set(key, (attachesPerProduct.get(key) ?? 0) + 1);
      }
    }
    for (const id of shop.state.products.keys()) {
      const { media, variants } = shop.describeProduct(id);
      // Written once: the product shows exactly one image, ours, and its variant points at it.
      if (media.length === 1 && media[0]?.url.includes('-backdrop') && variants[0]?.mediaId === media[0]?.id)
        written += 1;
    }
  }
  const result: RunResult = {
    label,
    processSeconds,
    writeSeconds,
    perImage: workDone()
      .filter((event) => event.kind === 'process')
      .map((event) => Number(event.milliseconds)),
    points,
    falJobs: fal.jobs.size,
    attachesPerProduct,
    written,
    redisPeakBytes: redis ? redisPeakBytes : undefined,
    faults,
  };
  for (const worker of workers) worker.child.kill('SIGTERM');
  await Promise.all(workers.map((worker) => Promise.race([worker.exited, sleep(10_000)])));
  redisClient?.disconnect();
  await redis?.kill();
  await postgres?.drop();
  await fal.close();
  await Promise.all(shops.map((shop) => shop.close()));
  return result;
}

function report(result: RunResult): void {
  const limitSeconds = (images * latencyMs) / 1000 / concurrency;
  const attaches = [...result.attachesPerProduct.values()];
  console.log(`\n${result.label}`);
  for (const fault of result.faults) console.log(`  fault: ${fault}`);
  console.log(
    `  processing: ${images} images in ${result.processSeconds.toFixed(1)} s = ${(images / result.processSeconds).toFixed(1)} images/s; limit N·L/C = ${images}·${latencyMs} ms/${concurrency} = ${limitSeconds.toFixed(1)} s (${(images / limitSeconds).toFixed(1)} images/s); wall ÷ limit ${(result.processSeconds / limitSeconds).toFixed(2)}`,
  );
  console.log(
    `  per image (claim → result stored): p50 ${quantile(result.perImage, 0.5).toFixed(0)} ms, p95 ${quantile(result.perImage, 0.95).toFixed(0)} ms, over ${result.perImage.length} runs of an item's processing`,
  );
  console.log(
    `  write-back: ${result.written}/${images} written in ${result.writeSeconds.toFixed(1)} s; Admin API ${(result.points / images).toFixed(1)} points per image (listing, processing and write-back, actual cost)`,
  );
  console.log(
    `  redone: ${result.falJobs - images} fal jobs paid twice (${result.falJobs} for ${images} images); ${attaches.filter((count) => count > 1).length} products attached twice; ${images - result.written} images not written`,
  );
  if (result.redisPeakBytes !== undefined)
    console.log(
      `  peak Redis memory: ${(result.redisPeakBytes / 1024 / 1024).toFixed(1)} MiB (used_memory, sampled every 250 ms)`,
    );
}

console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}; ${shopCount} shops × ${imagesPerShop} images, fal latency ${latencyMs} ms, C = ${concurrency}`,
);
if (runs.includes('redis'))
  report(await run(`BullMQ on Redis + PostgreSQL: 2 app instances, ${workerCount} workers`, { redis: true }));
if (runs.includes('in-process'))
  report(
    await run(`in-process back end + SQLite: 1 app process, ${perWorker * workerCount} jobs at once`, {
      redis: false,
    }),
  );
if (runs.includes('faults'))
  report(
    await run(`BullMQ on Redis + PostgreSQL, with faults: 2 app instances, ${workerCount} workers`, {
      redis: true,
      faults: true,
    }),
  );
process.exit(0);
