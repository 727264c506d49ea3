import { readEnvironment } from '../config.server';
import { type AppDatabase, openDatabase } from './database.server';

let opened: Promise<AppDatabase> | undefined;

/** The app's one database, opened (and migrated) on first use from DATABASE_URL. */
export function database(): Promise<AppDatabase> {
  opened ??= openDatabase(readEnvironment().databaseUrl);
  return opened;
}
