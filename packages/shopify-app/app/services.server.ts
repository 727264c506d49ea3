import { createAdminApi } from './admin/admin-api.server';
import { readEnvironment } from './config.server';
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
}

/** The queues on Redis (BullMQ, loaded only then): shared by every app instance and worker. */
async function createRedisQueues(redisUrl: string, prefix: string | undefined) {
  const { createRedisJobs } = await import('@backdrop/jobs');
  return {
    process: createRedisJobs<ItemWork, void>({ url: redisUrl, prefix, name: 'shopify-process' }),
    media: createRedisJobs<ItemWork, void>({ url: redisUrl, prefix, name: 'shopify-media' }),
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
    });
    const imageHosts = [
      'cdn.shopify.com',
      ...(environment.adminApiOrigin ? [new URL(environment.adminApiOrigin).host] : []),
    ];
    const handle = createItemWork({
      store,
      backdrop,
      imageHosts,
      adminFor: async (shop) => {
        const { admin } = await unauthenticated.admin(shop);
        return createAdminApi({ shop, graphql: admin.graphql });
      },
    });
    const runner = environment.redisUrl
      ? createJobRunner({
          store,
          handle,
          queues: await createRedisQueues(environment.redisUrl, environment.queuePrefix),
          work: options.role === 'worker',
        })
      : createInProcessJobRunner({ store, handle });
    await runner.start();
    return { store, runner, backdrop };
  })();
  return services;
}
