import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobHandle } from '@backdrop/core';
import { setUpValidSession } from '@shopify/shopify-api/test-helpers';
import { getTableColumns, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { type AppDatabase, databasePath, openDatabase } from '../app/db/database.server';
import * as sqliteSchema from '../app/db/schema';
import * as postgresSchema from '../app/db/schema-postgres';
import { createJobStore, type NewItem } from '../app/jobs/job-store.server';
import { readShopSettings, saveShopSettings } from '../app/settings/shop-settings.server';
import { createPostgresDatabase } from './support/postgres-database';

const migrationsOf = (folder: string) =>
  (
    JSON.parse(readFileSync(new URL(`../${folder}/meta/_journal.json`, import.meta.url), 'utf8')) as {
      entries: unknown[];
    }
  ).entries.length;

const dropAfterwards: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of dropAfterwards) await drop();
});

const dialects = {
  sqlite: {
    migrations: migrationsOf('drizzle'),
    migrationTable: '__drizzle_migrations',
    async freshUrl() {
      return `file:${join(mkdtempSync(join(tmpdir(), 'backdrop-storage-')), 'nested', 'app.sqlite')}`;
    },
  },
  postgres: {
    migrations: migrationsOf('drizzle-postgres'),
    migrationTable: 'drizzle.__drizzle_migrations',
    async freshUrl() {
      const database = await createPostgresDatabase();
      dropAfterwards.push(database.drop);
      return database.url;
    },
  },
};

const item = (title: string, position = 0): NewItem => ({
  productId: `gid://shopify/Product/${title.length}`,
  productTitle: title,
  originalMediaId: `gid://shopify/MediaImage/${title.length}${position}`,
  originalUrl: `https://cdn.shopify.com/${title}.jpg`,
  originalAlt: 'alt',
  originalPosition: position,
  originalVariantIds: ['gid://shopify/ProductVariant/3'],
});

async function countRows(database: AppDatabase, table: string): Promise<number> {
  const query = sql.raw(`select count(*) as count from ${table}`);
  // A raw query is the one place the dialects' drivers differ: rows, or a result holding them.
  const rows =
    database.dialect === 'sqlite'
      ? await database.db.all<{ count: number }>(query)
      : (
          await (
            database.db as unknown as { execute(query: unknown): Promise<{ rows: Array<{ count: string }> }> }
          ).execute(query)
        ).rows;
  return Number(rows[0]?.count);
}

describe.each(Object.entries(dialects))('storage on %s', (dialect, setup) => {
  it('creates a fresh database with every committed migration applied', async () => {
    const database = await openDatabase(await setup.freshUrl());
    try {
      expect(database.dialect).toBe(dialect);
      expect(await countRows(database, setup.migrationTable)).toBe(setup.migrations);
      for (const table of ['job_items', 'jobs', 'session', 'shop_settings'])
        expect(await countRows(database, table)).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('opens an existing database again without losing data or re-running migrations', async () => {
    const url = await setup.freshUrl();
    const first = await openDatabase(url);
    const session = setUpValidSession({
      shop: 'kept.myshopify.com',
      refreshToken: 'refresh',
      refreshTokenExpires: new Date(Date.now() + 60_000),
    } as never);
    await first.sessionStorage.storeSession(session);
    await saveShopSettings(first, 'kept.myshopify.com', {
      provider: 'local',
      operation: 'remove-white',
      color: '#f4f4f4',
      includeAllImages: true,
    });
    const store = createJobStore(first);
    const job = await store.createJob({
      shop: 'kept.myshopify.com',
      operation: { kind: 'remove', background: 'white' },
      provider: 'fal',
      estimatedCostUsd: 0.018,
      items: [item('Mug')],
    });
    const [row] = await store.items(job.id);
    const handle = {
      version: 1,
      provider: 'fal',
      operation: 'removeBackground',
      model: 'bria/background/remove',
      jobId: 'request-1',
    } as unknown as JobHandle;
    await store.update(row?.id ?? '', {
      providerHandle: handle,
      originalBytes: Buffer.from([0, 1, 2, 255]),
      costUsd: 0.018,
    });
    await first.close();

    const second = await openDatabase(url);
    try {
      expect(await countRows(second, setup.migrationTable)).toBe(setup.migrations);
      const loaded = await second.sessionStorage.loadSession(session.id);
      expect(loaded?.equals(session)).toBe(true);
      expect(loaded?.refreshToken).toBe('refresh');
      expect(await readShopSettings(second, 'kept.myshopify.com')).toEqual({
        provider: 'local',
        operation: 'remove-white',
        color: '#f4f4f4',
        includeAllImages: true,
      });
      const again = createJobStore(second);
      const [kept] = await again.items(job.id);
      expect(kept).toMatchObject({
        originalVariantIds: ['gid://shopify/ProductVariant/3'],
        providerHandle: handle,
        costUsd: 0.018,
        state: 'pending',
      });
      expect([...(kept?.originalBytes ?? [])]).toEqual([0, 1, 2, 255]);
      expect(kept?.createdAt).toBeInstanceOf(Date);
      expect((await again.job('kept.myshopify.com', job.id))?.operation).toEqual({
        kind: 'remove',
        background: 'white',
      });
      expect((await again.itemCounts([job.id])).get(job.id)).toEqual({ pending: 1, costUsd: 0.018 });
    } finally {
      await second.close();
    }
  });

  it('hands each queued item to exactly one of several runners claiming at once', async () => {
    const database = await openDatabase(await setup.freshUrl());
    try {
      const store = createJobStore(database);
      const job = await store.createJob({
        shop: 'race.myshopify.com',
        operation: { kind: 'remove', background: 'transparent' },
        provider: 'local',
        estimatedCostUsd: 0,
        items: Array.from({ length: 20 }, (_, index) => item('Poster', index)),
      });
      const queued = await store.queuedItems('race.myshopify.com');
      expect(queued.map((entry) => entry.id)).toEqual((await store.items(job.id)).map((entry) => entry.id));
      // Four runners race for every item; a queued item can only be claimed from `pending` once.
      const claims = await Promise.all(
        queued.flatMap((entry) =>
          Array.from({ length: 4 }, () => store.claimItem(entry.id, 'process').then((row) => row?.attempts)),
        ),
      );
      // The winner sees attempts 1; a loser gets the running item back (a takeover), still at 1.
      expect(claims.every((attempts) => attempts === 1)).toBe(true);
      expect(
        (await store.items(job.id)).every((row) => row.state === 'processing' && row.attempts === 1),
      ).toBe(true);
      expect((await store.job('race.myshopify.com', job.id))?.state).toBe('running');
      for (const entry of queued) await store.update(entry.id, { state: 'ready' });
      expect((await store.job('race.myshopify.com', job.id))?.state).toBe('review');
      expect(await store.pendingWork()).toBe(0);
      // shop/redact: the job goes, and its items with it (the foreign key cascades).
      await store.deleteShop('race.myshopify.com');
      expect(await store.jobs('race.myshopify.com')).toEqual([]);
      expect(await store.items(job.id)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});

describe('the two schemas', () => {
  it('have the same tables, columns and column names', () => {
    const shape = (schema: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(schema)
          .filter(([name]) => name.endsWith('Table'))
          .map(([name, table]) => [
            name,
            Object.entries(getTableColumns(table as never)).map(
              ([key, column]) =>
                `${key}:${(column as { name: string }).name}:${(column as { notNull: boolean }).notNull}`,
            ),
          ]),
      );
    expect(shape(postgresSchema)).toEqual(shape(sqliteSchema));
  });
});

it('names the problem with a DATABASE_URL it cannot use', () => {
  expect(() => databasePath('mysql://localhost/app')).toThrow(
    /DATABASE_URL: must be a SQLite "file:" URL .* or a "postgres:\/\/" URL; got "mysql:…"/,
  );
});
