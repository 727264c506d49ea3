// `pnpm --filter @backdrop/shopify-app worker`: runs the app's background work (processing images,
// writing them back, reverting) with no web server. It takes its jobs from Redis (REDIS_URL),
// where every app instance queues them, and shares the database (DATABASE_URL=postgres://…) with
// them. Start as many as the work needs, on any machines.
//
// SIGTERM or Ctrl-C: no new jobs; the ones in hand are finished, then it exits. A second signal
// stops at once: the jobs in hand are handed back, and another worker takes them over after the
// stall interval, resuming their saved provider jobs rather than paying for them again.
import { readEnvironment } from '../app/config.server';
import { isPostgresUrl } from '../app/db/database.server';

const environment = readEnvironment();
if (!environment.redisUrl) {
  console.error(
    'REDIS_URL: a worker takes its jobs from Redis; set REDIS_URL=redis://… (without it the app runs its jobs itself, in process)',
  );
  process.exit(2);
}
if (!isPostgresUrl(environment.databaseUrl))
  console.warn(
    'DATABASE_URL is a SQLite file: only processes on this machine can share it; use postgres://… for several machines',
  );

const { appServices } = await import('../app/services.server');
const { runner } = await appServices({ role: 'worker' });
console.log(`backdrop worker ${process.pid}: taking jobs from ${new URL(environment.redisUrl).host}`);

let signals = 0;
const stop = async (signal: NodeJS.Signals) => {
  signals += 1;
  if (signals > 1) {
    // The items stay in their work state and their queue jobs locked until the lock lapses.
    console.log(`backdrop worker ${process.pid}: ${signal} again, handing the jobs in hand back`);
    process.exit(130);
  }
  console.log(`backdrop worker ${process.pid}: ${signal}, finishing the jobs in hand`);
  await runner.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
