import { createAdminApi } from './admin/admin-api.server';
import { type AdminBudget, createAdminBudget } from './admin/admin-budget.server';
import { parseAdminOrigins } from './admin/admin-origin.server';
import { type AppEnvironment, readEnvironment } from './config.server';
import { database } from './db/app-database.server';
import { createItemWork } from './jobs/item-work.server';
import {
  createInProcessJobRunner,
  createJobRunner,
  type ItemWork,
  type JobRunner,
} from './jobs/job-runner.server';
import { createJobStore, type JobStore } from './jobs/job-store.server';
import { createEngine } from './processing/backdrop-engine.server';
import { unauthenticated } from './shopify.server';

export interface Services {
  store: JobStore;
  runner: JobRunner;
  backdrop: ReturnType<typeof createEngine>;
  /** Each shop's Admin API points: this process's, or shared through Redis with every process. */
  adminBudget: AdminBudget;
}

/** The queues on Redis (BullMQ, loaded only then): shared by every app instance and worker. */
export async function createRedisQueues(environment: AppEnvironment & { redisUrl: string }) {
  const { createRedisJobs } = await import('@backdrop/jobs');
  const common = {
    url: environment.redisUrl,
    prefix: environment.queuePrefix,
    stallIntervalMs: environment.stallTimeoutMs,
  };
  return {
    process: createRedisJobs<ItemWork, void>({ ...common, name: 'shopify-process' }),
    media: createRedisJobs<ItemWork, void>({ ...common, name: 'shopify-media' }),
  };
}

let services: Promise<Services> | undefined;

/**
 * The server's long-lived parts, made once. `work`: whether this process runs the jobs. In
 * process it always does; on Redis the web server only queues and `pnpm worker` processes run
 * them.
 */
export function appServices(options: { role?: 'web' | 'worker' } = {}): Promise<Services> {
  services ??= (async () => {
    const environment = readEnvironment();
    const store = createJobStore(await database());
    const backdrop = createEngine({
      falKey: environment.falKey,
      inferenceApiKey: environment.inferenceApiKey,
      falProxyUrl: environment.falProxyUrl,
      inferenceBaseUrl: environment.inferenceBaseUrl,
      allowPrivateAddresses: environment.allowPrivateAddresses,
    });
    const imageHosts = [
      'cdn.shopify.com',
      ...(environment.adminApiOrigin ? parseAdminOrigins(environment.adminApiOrigin).hosts : []),
    ];
    const adminBudget = createAdminBudget({
      redisUrl: environment.redisUrl,
      keyPrefix: `${environment.queuePrefix ?? 'backdrop'}:admin-budget`,
    });
    const handle = createItemWork({
      store,
      backdrop,
      imageHosts,
      adminFor: async (shop) => {
        const { admin } = await unauthenticated.admin(shop);
        return createAdminApi({ shop, graphql: admin.graphql, budget: adminBudget });
      },
    });
    const onWorkDone = environment.logWork
      ? (done: object) => console.log(JSON.stringify({ event: 'work-done', ...done }))
      : undefined;
    const runner = environment.redisUrl
      ? createJobRunner({
          store,
          handle,
          onWorkDone,
          workerConcurrency: environment.workerConcurrency,
          queues: await createRedisQueues({ ...environment, redisUrl: environment.redisUrl }),
          work: options.role === 'worker' || environment.workInApp,
        })
      : createInProcessJobRunner({
          store,
          handle,
          onWorkDone,
          workerConcurrency: environment.workerConcurrency,
        });
    await runner.start();
    return { store, runner, backdrop, adminBudget };
  })();
  return services;
}
