import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_KEY, API_SECRET_KEY, setUpValidSession, TEST_SHOP } from '@shopify/shopify-api/test-helpers';
import { openDatabase } from '../app/db/database.server';

export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** The test shop's offline session, as after an install, so the app never asks Shopify for a token. */
export async function seedOfflineSession(databaseUrl: string): Promise<void> {
  const database = await openDatabase(databaseUrl);
  await database.sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
  await database.close();
}

/**
 * The built app (react-router build) served by react-router-serve, as in production, on Shopify's
 * test keys and pointed at a fake shop. Provider keys are not passed on: the local engine runs.
 */
export function serveBuiltApp(options: {
  port: number;
  adminApiOrigin: string;
  databaseUrl: string;
  environment?: Record<string, string>;
  stdio?: 'inherit' | 'ignore';
}): ChildProcess {
  return spawn(
    process.execPath,
    [join(packageRoot, 'node_modules/@react-router/serve/bin.js'), 'build/server/index.js'],
    {
      cwd: packageRoot,
      stdio: ['ignore', options.stdio ?? 'inherit', 'inherit'],
      env: {
        ...process.env,
        PORT: String(options.port),
        SHOPIFY_TESTING: '1',
        SHOPIFY_API_KEY: API_KEY,
        SHOPIFY_API_SECRET: API_SECRET_KEY,
        SHOPIFY_APP_URL: `http://localhost:${options.port}`,
        SHOPIFY_ADMIN_API_ORIGIN: options.adminApiOrigin,
        DATABASE_URL: options.databaseUrl,
        FAL_KEY: '',
        INFERENCE_API_KEY: '',
        ...options.environment,
      },
    },
  );
}
