// One app instance of the scale-out benchmark, as a process of its own. For each of its shops
// (BENCH_SHOPS, comma-separated) it does what the products page's action does for a whole
// catalogue: lists the products through the Admin API, creates a job and queues it. Once the
// images are ready it queues their write-back, as the job page's "write" does, and waits for it.
// It prints one JSON line per phase. With REDIS_URL it only queues (workers process); without, it
// is the in-process app and does the work itself.
import { createAdminApi } from '../../app/admin/admin-api.server';
import { itemsForProducts, listProducts } from '../../app/products/product-catalogue.server';
import { appServices } from '../../app/services.server';
import { unauthenticated } from '../../app/shopify.server';

const shops = (process.env.BENCH_SHOPS ?? '').split(',').filter(Boolean);
const say = (event: string, details: object = {}) =>
  console.log(JSON.stringify({ event, at: Date.now(), ...details }));

const { store, runner } = await appServices({ role: 'web' });
say('ready');

async function allProductIds(api: ReturnType<typeof createAdminApi>): Promise<string[]> {
  const ids: string[] = [];
  for (let after: string | undefined; ; ) {
    const page = await listProducts(api, { search: '', collection: '', vendor: '', status: '' }, { after });
    ids.push(...page.products.map((product) => product.id));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return ids;
    after = page.pageInfo.endCursor;
  }
}

const jobs = await Promise.all(
  shops.map(async (shop) => {
    const { admin } = await unauthenticated.admin(shop);
    const api = createAdminApi({ shop, graphql: admin.graphql });
    const items = await itemsForProducts(api, await allProductIds(api), false);
    const job = await store.createJob({
      shop,
      operation: { kind: 'remove', background: 'transparent' },
      provider: 'fal',
      estimatedCostUsd: undefined,
      items,
    });
    await runner.notify(shop);
    say('queued', { shop, images: items.length });
    return { shop, id: job.id };
  }),
);

async function waitForStates(done: (states: string[]) => boolean): Promise<void> {
  for (;;) {
    const states = (await Promise.all(jobs.map((job) => store.itemCounts([job.id])))).flatMap((counts) =>
      [...counts.values()].flatMap((count) => Object.keys(count).filter((key) => key !== 'costUsd')),
    );
    if (done(states)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

await waitForStates((states) => !states.includes('pending') && !states.includes('processing'));
say('processed');

for (const job of jobs) {
  const ready = (await store.items(job.id)).filter((item) => item.state === 'ready').map((item) => item.id);
  await store.transition(job.shop, ready, ['ready'], 'write-queued');
  await runner.notify(job.shop);
}
say('write-queued');
await waitForStates((states) => !states.includes('write-queued') && !states.includes('writing'));
say('written');
await runner.close();
process.exit(0);
