import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setUpValidSession } from '@shopify/shopify-api/test-helpers';
import { DrizzleSessionStorageSQLite } from '@shopify/shopify-app-session-storage-drizzle';
import { describe, expect, it } from 'vitest';
import { databasePath, openDatabase } from '../app/db/database.server';
import { sessionTable } from '../app/db/schema';
import { createJobStore } from '../app/jobs/job-store.server';
import { readShopSettings, saveShopSettings } from '../app/settings/shop-settings.server';

const journal = JSON.parse(
  readFileSync(new URL('../drizzle/meta/_journal.json', import.meta.url), 'utf8'),
) as {
  entries: Array<{ tag: string }>;
};

function freshUrl(): string {
  return `file:${join(mkdtempSync(join(tmpdir(), 'backdrop-storage-')), 'nested', 'app.sqlite')}`;
}

describe('storage', () => {
  it('creates a fresh database file (and its folder) with every committed migration applied', () => {
    const database = openDatabase(freshUrl());
    const tables = database.$client
      .prepare("select name from sqlite_master where type = 'table' order by name")
      .all()
      .map((row) => (row as { name: string }).name);
    expect(tables).toEqual(
      expect.arrayContaining(['__drizzle_migrations', 'job_items', 'jobs', 'session', 'shop_settings']),
    );
    expect(database.$client.prepare('select count(*) as count from __drizzle_migrations').get()).toEqual({
      count: journal.entries.length,
    });
    expect(database.$client.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('opens an existing database again without losing data or re-running migrations', async () => {
    const url = freshUrl();
    const first = openDatabase(url);
    const storage = new DrizzleSessionStorageSQLite(first, sessionTable);
    const session = setUpValidSession({
      shop: 'kept.myshopify.com',
      refreshToken: 'refresh',
      refreshTokenExpires: new Date(Date.now() + 60_000),
    } as never);
    await storage.storeSession(session);
    saveShopSettings(first, 'kept.myshopify.com', {
      provider: 'local',
      operation: 'remove-white',
      color: '#f4f4f4',
      includeAllImages: true,
    });
    const job = createJobStore(first).createJob({
      shop: 'kept.myshopify.com',
      operation: { kind: 'remove', background: 'white' },
      provider: 'local',
      estimatedCostUsd: 0,
      items: [
        {
          productId: 'gid://shopify/Product/1',
          productTitle: 'Mug',
          originalMediaId: 'gid://shopify/MediaImage/2',
          originalUrl: 'https://cdn.shopify.com/a.jpg',
          originalAlt: 'alt',
          originalPosition: 0,
          originalVariantIds: ['gid://shopify/ProductVariant/3'],
        },
      ],
    });
    first.$client.close();

    const second = openDatabase(url);
    expect(second.$client.prepare('select count(*) as count from __drizzle_migrations').get()).toEqual({
      count: journal.entries.length,
    });
    const loaded = await new DrizzleSessionStorageSQLite(second, sessionTable).loadSession(session.id);
    expect(loaded?.equals(session)).toBe(true);
    expect(loaded?.refreshToken).toBe('refresh');
    expect(readShopSettings(second, 'kept.myshopify.com')).toEqual({
      provider: 'local',
      operation: 'remove-white',
      color: '#f4f4f4',
      includeAllImages: true,
    });
    expect(
      createJobStore(second)
        .items(job.id)
        .map((item) => item.originalVariantIds),
    ).toEqual([['gid://shopify/ProductVariant/3']]);
  });

  it('names the problem with a DATABASE_URL it cannot use', () => {
    expect(() => databasePath('postgres://localhost/app')).toThrow(
      /DATABASE_URL: must be a SQLite "file:" URL.*got "postgres:…"/,
    );
  });
});
