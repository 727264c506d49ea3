// `pnpm --filter @backdrop/shopify-app demo`: the app against a fake shop (the testkit's sample
// products and photos) on the local engine, with no Shopify account and no provider key.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { seedSampleCatalogue, startFakeShop } from '@backdrop/testkit';
import {
  API_KEY,
  API_SECRET_KEY,
  BASE64_HOST,
  getJwt,
  TEST_SHOP,
  TEST_SHOP_NAME,
} from '@shopify/shopify-api/test-helpers';
import { packageRoot, seedOfflineSession, serveBuiltApp } from './serve-built-app';

if (process.env.NODE_ENV === 'production') {
  console.error(
    'The demo runs against a fake shop with test keys: it refuses to start with NODE_ENV=production.',
  );
  process.exit(1);
}

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
await seedOfflineSession(databaseUrl);
const server = serveBuiltApp({
  port,
  adminApiOrigin: shop.origin,
  databaseUrl,
  environment: { NODE_ENV: 'development', BACKDROP_DEMO: '1' },
});

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
