import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Debian's chromium on a machine with no outside network: no background traffic, no sandbox (root).
const flags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// A synthetic camera (a moving pattern on a plain background), allowed without a prompt.
const fakeCameraFlags = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/** Headless Debian chromium driven by playwright-core, optionally with a fake camera. */
export async function launchChromium(options: { fakeCamera?: boolean } = {}): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: the install step installs Debian's chromium (apt-get install chromium)`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...flags, ...(options.fakeCamera ? fakeCameraFlags : [])],
  });
}
