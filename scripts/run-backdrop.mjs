#!/usr/bin/env node
// `pnpm backdrop <command>`: builds the CLI through turbo's cache, silently (its banner and task
// logs are shown only when the build fails), then runs it with the given arguments.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync('turbo', ['run', 'build', '--filter=@backdrop/cli...', '--output-logs=errors-only'], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' },
});
if (build.status !== 0) {
  process.stderr.write(
    `${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? `${build.error.message}\n` : ''}`,
  );
  process.exit(build.status ?? 1);
}
const cli = spawnSync(
  process.execPath,
  [join(root, 'packages/cli/dist/backdrop.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
// Ended by a signal (Ctrl-C): end the same way, so callers see it.
if (cli.signal) process.kill(process.pid, cli.signal);
process.exit(cli.status ?? 1);
