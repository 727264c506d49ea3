import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL (trust auth); CI has the same. */
export const postgresServerUrl =
  process.env.BACKDROP_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A database of its own for one test file, dropped afterwards: test runs never see each
 * other's rows, and nothing is left behind.
 */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `backdrop_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresServerUrl });
  await admin.connect().catch((error: unknown) => {
    throw new Error(
      `PostgreSQL at ${new URL(postgresServerUrl).host} did not answer (${String(error)}): these tests need the machine's PostgreSQL; set BACKDROP_TEST_POSTGRES_URL to use another`,
    );
  });
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresServerUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
