import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const drizzleKit = join(packageRoot, 'node_modules/.bin/drizzle-kit');

// Each dialect's committed migrations must describe its schema as it is now: drizzle-kit, run on
// a copy of the folder, finds nothing left to migrate (a schema edit without `pnpm db:generate`
// fails here, not on a merchant's database).
describe.each([
  ['sqlite', 'app/db/schema.ts', 'drizzle'],
  ['postgresql', 'app/db/schema-postgres.ts', 'drizzle-postgres'],
])('%s migrations', (dialect, schema, folder) => {
  it('are up to date with the schema', () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'backdrop-migrations-')), folder);
    cpSync(join(packageRoot, folder), copy, { recursive: true });
    const before = readdirSync(copy).sort();
    const output = execFileSync(
      drizzleKit,
      // drizzle-kit takes `--out` relative to the working folder.
      ['generate', '--dialect', dialect, '--schema', schema, '--out', relative(packageRoot, copy)],
      { cwd: packageRoot, encoding: 'utf8' },
    );
    expect(readdirSync(copy).sort()).toEqual(before);
    expect(output).toMatch(/No schema changes/);
  });
});
