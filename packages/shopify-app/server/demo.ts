// `pnpm --filter @backdrop/shopify-app demo`: the app against a fake shop (the testkit's sample
// products and photos) on the local engine, with no Shopify account and no provider key.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedSampleCatalogue, startFakeShop } from '@backdrop/testkit';
import {
  API_KEY,
  API_SECRET_KEY,
  BASE64_HOST,
  getJwt,
  setUpValidSession,
  TEST_SHOP,
  TEST_SHOP_NAME,
} from '@shopify/shopify-api/test-helpers';
import { DrizzleSessionStorageSQLite } from '@shopify/shopify-app-session-storage-drizzle';
import { openDatabase } from '../app/db/database.server';
import { sessionTable } from '../app/db/schema';

if (process.env.NODE_ENV === 'production') {
  console.error(
    'The demo runs against a fake shop with test keys: it refuses to start with NODE_ENV=production.',
  );
  process.exit(1);
}

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT || 3457);
const appUrl = `http://localhost:${port}`;

const shop = await startFakeShop({ shop: TEST_SHOP });
await seedSampleCatalogue(shop);

if (!existsSync(join(packageRoot, 'build/server/index.js'))) {
  console.log('Building the app once (react-router build)…');
  const build = spawnSync('npx', ['react-router', 'build'], { cwd: packageRoot, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const databaseUrl = process.env.DATABASE_URL || 'file:data/demo.sqlite';
const database = openDatabase(databaseUrl);
await new DrizzleSessionStorageSQLite(database, sessionTable).storeSession(
  setUpValidSession({ shop: TEST_SHOP }),
);
database.$client.close();

const server = spawn(
  process.execPath,
  [join(packageRoot, 'node_modules/@react-router/serve/bin.js'), 'build/server/index.js'],
  {
    cwd: packageRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      BACKDROP_DEMO: '1',
      SHOPIFY_TESTING: '1',
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET_KEY,
      SHOPIFY_APP_URL: appUrl,
      SHOPIFY_ADMIN_API_ORIGIN: shop.origin,
      DATABASE_URL: databaseUrl,
      // The demo shows the offline engine: provider keys are not passed on.
      FAL_KEY: '',
      INFERENCE_API_KEY: '',
    },
  },
);

const { token } = await getJwt(TEST_SHOP_NAME, API_KEY, API_SECRET_KEY);
console.log(`\nFake shop (Admin GraphQL 2025-10): ${shop.origin}`);
console.log(
  `Open the app (valid for an hour):\n  ${appUrl}/app/products?embedded=1&shop=${TEST_SHOP}&host=${BASE64_HOST}&id_token=${token}\n`,
);

const stop = async () => {
  server.kill('SIGTERM');
  await shop.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => {
  void shop.close();
  process.exit(code ?? 0);
});
