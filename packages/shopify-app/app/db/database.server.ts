import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import {
  DrizzleSessionStoragePostgres,
  DrizzleSessionStorageSQLite,
} from '@shopify/shopify-app-session-storage-drizzle';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { packageRoot } from '../config.server';
import * as schema from './schema';
import * as postgresSchema from './schema-postgres';

export type AppTables = typeof schema;

/**
 * The app's storage on either dialect. Queries are written once against `db` and `tables`,
 * typed with the SQLite schema; on PostgreSQL they run on its twin (schema-postgres.ts), whose
 * columns have the same names and row types. Only awaited queries are used (no SQLite-only
 * `.get()`/`.all()`/`.run()`), so the same code runs on both.
 */
export interface AppDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: BetterSQLite3Database<AppTables>;
  readonly tables: AppTables;
  readonly sessionStorage: DrizzleSessionStorageSQLite | DrizzleSessionStoragePostgres;
  close(): Promise<void>;
}

/** The SQLite file a `file:` DATABASE_URL names (relative paths are under the package folder). */
export function databasePath(databaseUrl: string): string {
  if (!databaseUrl.startsWith('file:'))
    throw new Error(
      `DATABASE_URL: must be a SQLite "file:" URL (for example file:data/backdrop.sqlite) or a "postgres://" URL; got "${databaseUrl.split(':')[0]}:…"`,
    );
  const path = databaseUrl.slice('file:'.length);
  return path === ':memory:' || isAbsolute(path) ? path : join(packageRoot, path);
}

export const isPostgresUrl = (databaseUrl: string) => /^postgres(ql)?:\/\//.test(databaseUrl);

function openSqlite(databaseUrl: string): AppDatabase {
  const path = databasePath(databaseUrl);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const client = new Database(path);
  client.pragma('journal_mode = WAL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  const db = drizzleSqlite(client, { schema });
  migrateSqlite(db, { migrationsFolder: join(packageRoot, 'drizzle') });
  return {
    dialect: 'sqlite',
    db,
    tables: schema,
    sessionStorage: new DrizzleSessionStorageSQLite(db, schema.sessionTable),
    close: async () => {
      client.close();
    },
  };
}

// Any number `pg_advisory_lock` agrees on: app instances starting together migrate one at a time.
const migrationLock = 0x6261636b;

async function openPostgres(databaseUrl: string): Promise<AppDatabase> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // An idle client's error (the server restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = drizzlePostgres(pool, { schema: postgresSchema });
  const lockClient = await pool.connect();
  try {
    await lockClient.query('select pg_advisory_lock($1)', [migrationLock]);
    await migratePostgres(drizzlePostgres(lockClient), {
      migrationsFolder: join(packageRoot, 'drizzle-postgres'),
    });
  } finally {
    await lockClient.query('select pg_advisory_unlock($1)', [migrationLock]).catch(() => undefined);
    lockClient.release();
  }
  return {
    dialect: 'postgres',
    // The twin schema gives the same rows: see the interface's comment.
    db: db as unknown as BetterSQLite3Database<AppTables>,
    tables: postgresSchema as unknown as AppTables,
    sessionStorage: new DrizzleSessionStoragePostgres(db, postgresSchema.sessionTable),
    close: () => pool.end(),
  };
}

/**
 * Opens the database DATABASE_URL names, creating a SQLite file and its folder when needed, and
 * applies every committed migration of its dialect.
 */
export async function openDatabase(databaseUrl: string): Promise<AppDatabase> {
  return isPostgresUrl(databaseUrl) ? openPostgres(databaseUrl) : openSqlite(databaseUrl);
}
