#!/usr/bin/env node
// Re-pins Shopify's Admin GraphQL schema from the npm package that ships it (never at test time).
//   node codegen/scripts/refresh-shopify-schema.mjs            the version in source.json
//   node codegen/scripts/refresh-shopify-schema.mjs 1.17.0     another version of @shopify/dev-mcp
// Then `pnpm codegen` regenerates the Shopify app's operation types against it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = resolve(dirname(fileURLToPath(import.meta.url)), '../specs/shopify');
const sourcePath = join(folder, 'source.json');
const source = JSON.parse(await readFile(sourcePath, 'utf8'));
const version = process.argv[2] ?? source.version;
const scratch = await mkdtemp(join(tmpdir(), 'backdrop-shopify-schema-'));
try {
  const tarball = execFileSync('npm', ['pack', `${source.package}@${version}`, '--silent'], {
    cwd: scratch,
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['xzf', tarball, `package/${source.path}`], { cwd: scratch });
  const schema = await readFile(join(scratch, 'package', source.path));
  await writeFile(join(folder, `admin-${source.apiVersion}.introspection.json.gz`), schema);
  const sha256 = createHash('sha256').update(schema).digest('hex');
  await writeFile(sourcePath, `${JSON.stringify({ ...source, version, sha256 }, null, 2)}\n`);
  console.log(`pinned ${source.package}@${version} ${source.path} (sha256 ${sha256})`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
