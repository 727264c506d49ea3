#!/usr/bin/env node
// Installs the Debian packages the test suite needs (the browser checks drive Debian's chromium,
// the video emulators run ffmpeg), so that the README's install command is the only set-up step.
// It never fails the install: where it cannot install, it says which command would.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const requiredPackages = [
  { debianPackage: 'chromium', binary: '/usr/bin/chromium' },
  // The provider emulators make real videos, frame by frame, through ffmpeg.
  { debianPackage: 'ffmpeg', binary: '/usr/bin/ffmpeg' },
];

if (process.env.BACKDROP_SKIP_SYSTEM_PACKAGES === '1') process.exit(0);

const missing = requiredPackages.filter((entry) => !existsSync(entry.binary));
if (missing.length === 0) process.exit(0);

const names = missing.map((entry) => entry.debianPackage);
const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

if (!hasAptGet || !isRoot) {
  console.warn(
    `[backdrop] The test suite needs ${names.join(', ')}. Install with: sudo apt-get install -y ${names.join(' ')}`,
  );
  process.exit(0);
}

console.log(`[backdrop] Installing Debian packages for the test suite: ${names.join(', ')}`);
const environment = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: environment });
const install =
  update.status === 0
    ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], {
        stdio: 'inherit',
        env: environment,
      })
    : update;
if (install.status !== 0) {
  console.warn(
    `[backdrop] apt-get could not install ${names.join(', ')}; the browser and video tests will fail.`,
  );
}
