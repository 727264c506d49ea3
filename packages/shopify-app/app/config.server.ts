import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package folder (holding drizzle/ and data/), from app/ in development or build/server/ once built. */
export const packageRoot = (() => {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'shopify.app.toml')) && dirname(folder) !== folder)
    folder = dirname(folder);
  return folder;
})();

/** Everything the server reads from its environment, as Shopify's template names it, plus ours. */
export interface AppEnvironment {
  apiKey: string;
  apiSecretKey: string;
  appUrl: string;
  scopes: string[];
  /** `file:` + a SQLite path (relative paths are under the package folder), or `postgres://…`. */
  databaseUrl: string;
  /** BullMQ on this Redis runs the jobs, shared by every app instance and worker; none: in process. */
  redisUrl: string | undefined;
  /** Prefix of the app's Redis keys (default `backdrop`): several apps or test runs can share one Redis. */
  queuePrefix: string | undefined;
  /** How long a dead worker's job stays locked before another takes it over (BACKDROP_STALL_TIMEOUT_MS; default 30 s). */
  stallTimeoutMs: number | undefined;
  /** With REDIS_URL, web instances work too, besides queueing (BACKDROP_WORK_IN_APP=1): no separate worker needed. */
  workInApp: boolean;
  /** Jobs of each kind one process runs at once (BACKDROP_WORKER_CONCURRENCY; default 8). */
  workerConcurrency: number | undefined;
  /** Print one JSON line per item of work done (BACKDROP_LOG_WORK=1): what, whose, how long. */
  logWork: boolean;
  /** Send Admin API calls to this origin (or `shop=origin,…`) instead of https://<shop> (the fake shops in the demo, tests and benchmarks). */
  adminApiOrigin: string | undefined;
  falKey: string | undefined;
  inferenceApiKey: string | undefined;
  /** The team's fal server proxy, as the CLI takes it (BACKDROP_FAL_PROXY_URL). */
  falProxyUrl: string | undefined;
  /** inference.sh's API origin (BACKDROP_INFERENCE_BASE_URL; tests point it at the emulator). */
  inferenceBaseUrl: string | undefined;
  /** Hosts whose private addresses results may come from (BACKDROP_ALLOW_PRIVATE_ADDRESSES, comma-separated). */
  allowPrivateAddresses: string[];
}

export function readEnvironment(environment: NodeJS.ProcessEnv = process.env): AppEnvironment {
  return {
    apiKey: environment.SHOPIFY_API_KEY ?? '',
    apiSecretKey: environment.SHOPIFY_API_SECRET ?? '',
    appUrl: environment.SHOPIFY_APP_URL ?? '',
    scopes: (environment.SCOPES ?? 'write_products,write_files').split(',').filter(Boolean),
    databaseUrl: environment.DATABASE_URL || 'file:data/backdrop.sqlite',
    redisUrl: environment.REDIS_URL || undefined,
    queuePrefix: environment.BACKDROP_QUEUE_PREFIX || undefined,
    logWork: environment.BACKDROP_LOG_WORK === '1',
    workInApp: environment.BACKDROP_WORK_IN_APP === '1',
    workerConcurrency: environment.BACKDROP_WORKER_CONCURRENCY
      ? Number(environment.BACKDROP_WORKER_CONCURRENCY)
      : undefined,
    stallTimeoutMs: environment.BACKDROP_STALL_TIMEOUT_MS
      ? Number(environment.BACKDROP_STALL_TIMEOUT_MS)
      : undefined,
    adminApiOrigin: environment.SHOPIFY_ADMIN_API_ORIGIN || undefined,
    falKey: environment.FAL_KEY || undefined,
    inferenceApiKey: environment.INFERENCE_API_KEY || undefined,
    falProxyUrl: environment.BACKDROP_FAL_PROXY_URL || undefined,
    inferenceBaseUrl: environment.BACKDROP_INFERENCE_BASE_URL || undefined,
    allowPrivateAddresses: (environment.BACKDROP_ALLOW_PRIVATE_ADDRESSES ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  };
}
