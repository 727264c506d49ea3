import { createFal } from '@backdrop/fal-adapter';
import { startFalEmulator } from '@backdrop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createItemWork } from '../app/jobs/item-work.server';
import { createInProcessJobRunner } from '../app/jobs/job-runner.server';
import { createEngine } from '../app/processing/backdrop-engine.server';
import { createRemovalJob } from './support/removal-job';
import { startTestApp, type TestApp } from './test-app';

let app: TestApp;
let fal: Awaited<ReturnType<typeof startFalEmulator>>;
beforeAll(async () => {
  app = await startTestApp();
  fal = await startFalEmulator({ queueMs: 100 });
});
afterAll(async () => {
  await fal?.close();
  await app?.close();
});

/** A job of two product images through fal, run to the end by a runner retrying soon. */
async function runThroughFal() {
  const { store } = app.services;
  const job = await createRemovalJob({
    shopify: app.shopify,
    store,
    productIds: app.products.slice(0, 2).map((product) => product.id),
    provider: 'fal',
  });
  return runToTheEnd(job.id);
}

/** Runs what is queued to the end with a runner retrying soon; the job's items afterwards. */
async function runToTheEnd(jobId: string) {
  const { store } = app.services;
  const backdrop = createEngine({
    adapters: [createFal({ credentials: 'test-fal-key', fetch: fal.fetch })],
    allowPrivateAddresses: ['127.0.0.1'],
  });
  const runner = createInProcessJobRunner({
    store,
    handle: createItemWork({
      store,
      backdrop,
      imageHosts: [new URL(app.shop.origin).host],
      adminFor: () => Promise.reject(new Error('not needed')),
    }),
    retry: { attempts: 4, initialDelayMs: 100, maxDelayMs: 300 },
  });
  await runner.start();
  await runner.idle();
  await runner.close();
  return store.items(jobId);
}

describe('a provider outage while the app processes', () => {
  it('backs off and finishes when fal answers again; the failed starts cost nothing', async () => {
    const jobsBefore = fal.jobs.size;
    // More 503s than core's own retries of one start (3 tries): whole attempts fail and are retried.
    fal.faults.add({ operation: 'submit', fault: { type: 'status', status: 503 }, times: 8 });
    const rows = await runThroughFal();
    expect(fal.faults.injected.filter((entry) => entry.operation === 'submit')).toHaveLength(8);
    expect(rows.map((row) => [row.state, row.error, row.provider])).toEqual([
      ['ready', null, 'fal'],
      ['ready', null, 'fal'],
    ]);
    expect(fal.jobs.size - jobsBefore).toBe(2);
  });

  it('fails the items in plain words after the last attempt, and stops there', async () => {
    fal.faults.clear();
    const jobsBefore = fal.jobs.size;
    fal.faults.add({ operation: 'submit', fault: { type: 'status', status: 503 }, times: 1_000 });
    const rows = await runThroughFal();
    fal.faults.clear();
    for (const row of rows) {
      expect(row.state).toBe('failed');
      expect(row.error).toMatch(/^fal was unavailable after 3 attempts: .*503/);
    }
    // 2 images × 4 job attempts × 3 tries of the start by core, and not one more.
    expect(fal.faults.injected.filter((entry) => entry.operation === 'submit')).toHaveLength(8 + 24);
    expect(fal.jobs.size).toBe(jobsBefore);
  });

  it('does not send again a start that a stopped process may have had taken', async () => {
    fal.faults.clear();
    const { store } = app.services;
    const job = await createRemovalJob({
      shopify: app.shopify,
      store,
      productIds: app.products.slice(0, 1).map((product) => product.id),
      provider: 'fal',
    });
    // As a worker that died between sending fal the start and saving the job's id leaves it.
    const [item] = await store.items(job.id);
    await store.update(item?.id ?? '', { state: 'processing', attempts: 1, startSentAt: new Date() });
    const jobsBefore = fal.jobs.size;
    const [after] = await runToTheEnd(job.id);
    expect(after?.state).toBe('failed');
    expect(after?.error).toMatch(/it was not sent again, so it is not paid twice/);
    expect(fal.jobs.size).toBe(jobsBefore);
  });
});
