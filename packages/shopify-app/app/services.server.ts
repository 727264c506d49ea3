import { createAdminApi } from './admin/admin-api.server';
import { readEnvironment } from './config.server';
import { database } from './db/app-database.server';
import { createItemWork } from './jobs/item-work.server';
import { createInProcessJobRunner, type JobRunner } from './jobs/job-runner.server';
import { createJobStore, type JobStore } from './jobs/job-store.server';
import { createEngine } from './processing/backdrop-engine.server';
import { unauthenticated } from './shopify.server';

export interface Services {
  store: JobStore;
  runner: JobRunner;
  backdrop: ReturnType<typeof createEngine>;
}

let services: Services | undefined;

/** The server's long-lived parts, made once; the runner resumes interrupted work when it starts. */
export function appServices(): Services {
  if (services) return services;
  const environment = readEnvironment();
  const store = createJobStore(database());
  const backdrop = createEngine({ falKey: environment.falKey, inferenceApiKey: environment.inferenceApiKey });
  const imageHosts = [
    'cdn.shopify.com',
    ...(environment.adminApiOrigin ? [new URL(environment.adminApiOrigin).host] : []),
  ];
  const runner = createInProcessJobRunner({
    store,
    handle: createItemWork({
      store,
      backdrop,
      imageHosts,
      adminFor: async (shop) => {
        const { admin } = await unauthenticated.admin(shop);
        return createAdminApi({ shop, graphql: admin.graphql });
      },
    }),
    onError: (error) => console.error('backdrop job runner:', error instanceof Error ? error.message : error),
  });
  services = { store, runner, backdrop };
  runner.start();
  return services;
}
