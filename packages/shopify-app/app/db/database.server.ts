import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { packageRoot } from '../config.server';
import * as schema from './schema';

export type AppDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** The SQLite file a `file:` DATABASE_URL names (relative paths are under the package folder). */
export function databasePath(databaseUrl: string): string {
  if (!databaseUrl.startsWith('file:'))
    throw new Error(
      `DATABASE_URL: must be a SQLite "file:" URL (for example file:data/backdrop.sqlite); got "${databaseUrl.split(':')[0]}:…"`,
    );
  const path = databaseUrl.slice('file:'.length);
  return path === ':memory:' || isAbsolute(path) ? path : join(packageRoot, path);
}

/** Opens the database, creating its file and folder, and applies every committed migration. */
export function openDatabase(databaseUrl: string): AppDatabase {
  const path = databasePath(databaseUrl);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const client = new Database(path);
  client.pragma('journal_mode = WAL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  const database = drizzle(client, { schema });
  migrate(database, { migrationsFolder: join(packageRoot, 'drizzle') });
  return database;
}
