import { type FalEmulator, launchChromium, startFalEmulator } from '@backdrop/testkit';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebcamServer } from '../server.mjs';

let emulator: FalEmulator;
let server: Awaited<ReturnType<typeof startWebcamServer>>;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** The corner pixel of the processed frame on show, read through a canvas. */
function outputCorner(): Promise<number[]> {
  return page.evaluate(() => {
    const image = document.getElementById('output') as HTMLImageElement;
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d');
    context?.drawImage(image, 0, 0);
    return Array.from(context?.getImageData(2, 2, 1, 1).data.slice(0, 3) ?? []);
  });
}

/** Waits until the frames on show have a corner this close to the colour. */
async function waitForCorner(expected: number[], tolerance: number): Promise<number[]> {
  let last: number[] = [];
  for (let attempt = 0; attempt < 100; attempt++) {
    last = await outputCorner();
    if (
      last.length === 3 &&
      last.every((value, channel) => Math.abs(value - (expected[channel] ?? 0)) <= tolerance)
    )
      return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`the output corner stayed ${JSON.stringify(last)}, not near ${JSON.stringify(expected)}`);
}

async function waitForStatus(expected: string): Promise<void> {
  await page.waitForFunction((text) => document.getElementById('status')?.textContent === text, expected, {
    timeout: 20_000,
  });
}

beforeAll(async () => {
  emulator = await startFalEmulator();
  server = await startWebcamServer({ credentials: 'test-fal-key', fetch: emulator.fetch });
  browser = await launchChromium({ fakeCamera: true });
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // fal's client opens wss://fal.run/...; only the scheme and host are pointed at the emulator.
  const socketOrigin = `ws://${emulator.origin.slice('http://'.length)}`;
  await page.addInitScript((origin) => {
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(String(url).replace(/^wss:\/\/fal\.run\//, `${origin}/__host/fal.run/`), protocols);
      }
    };
  }, socketOrigin);
  await page.goto(server.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await emulator?.close();
});

describe('the realtime webcam page', () => {
  it('shows the camera and the processed output with the chosen colour at a live fps, and reports latency', async () => {
    await page.selectOption('#color', 'blue');
    await page.click('#start');
    await waitForStatus('Live.');
    // Frames keep coming: several a second, as the JPEG Blobs the page sends reach the strict app as data URIs.
    await page.waitForFunction(() => Number(document.getElementById('fps')?.textContent) >= 2, undefined, {
      timeout: 20_000,
    });
    const answered = emulator.realtime.stats.framesAnswered;
    await expect
      .poll(() => emulator.realtime.stats.framesAnswered, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(answered + 10);
    expect(emulator.realtime.stats.framesRefused).toBe(0);
    expect(await waitForCorner([0, 0, 255], 50)).toHaveLength(3);
    expect(Number(await page.textContent('#latency'))).toBeGreaterThan(0);
    // The camera preview is live too.
    expect(
      await page.evaluate(() => (document.getElementById('camera') as HTMLVideoElement).videoWidth),
    ).toBeGreaterThan(0);
    // The page got its token from the server; the key never reached the browser.
    expect(emulator.requests.filter((request) => request.path === '/tokens/').length).toBeGreaterThanOrEqual(
      1,
    );
    const script = await (await fetch(`${server.url}webcam-app.js`)).text();
    expect(script).not.toContain('test-fal-key');
  });

  it('switches the background while live: another colour, blur, then an uploaded image', async () => {
    await page.selectOption('#color', 'yellow');
    await waitForCorner([255, 255, 0], 50);

    const before = await outputCorner();
    await page.check('input[name="kind"][value="blur"]');
    // Blur shows the camera's own background, softened: no longer the yellow just chosen.
    const blurred = await (async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const corner = await outputCorner();
        if (Math.hypot((corner[0] ?? 0) - 255, (corner[1] ?? 0) - 255, corner[2] ?? 0) > 80) return corner;
        await page.waitForTimeout(100);
      }
      return before;
    })();
    expect(blurred).not.toEqual(before);

    const magenta = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 255, g: 0, b: 255 } },
    })
      .png()
      .toBuffer();
    await page.setInputFiles('#image', { name: 'magenta.png', mimeType: 'image/png', buffer: magenta });
    await page.check('input[name="kind"][value="image"]');
    await waitForCorner([255, 0, 255], 50);
  });

  it('does not say "Live." while every frame fails, and says why the session ended', async () => {
    // A PNG whose header is sound but whose pixels are cut off: accepted up front, failed by the app.
    const whole = await sharp({
      create: {
        width: 64,
        height: 64,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png()
      .toBuffer();
    const refused = emulator.realtime.stats.framesRefused;
    // Every status the page shows from the switch on, until the session has ended.
    await page.evaluate(() => {
      const status = document.getElementById('status') as HTMLElement;
      const seen: string[] = [];
      (window as unknown as { statusesSeen: Promise<string[]> }).statusesSeen = new Promise((resolve) => {
        new MutationObserver(() => {
          seen.push(status.textContent ?? '');
          if (!(document.getElementById('start') as HTMLButtonElement).disabled) resolve(seen);
        }).observe(status, { childList: true, characterData: true, subtree: true });
      });
    });
    await page.setInputFiles('#image', {
      name: 'cut.png',
      mimeType: 'image/png',
      buffer: whole.subarray(0, Math.floor(whole.length / 2)),
    });
    await page.check('input[name="kind"][value="image"]');
    const statuses = await page.evaluate(
      () => (window as unknown as { statusesSeen: Promise<string[]> }).statusesSeen,
    );
    expect(emulator.realtime.stats.framesRefused).toBeGreaterThan(refused);
    expect(statuses).not.toContain('Live.');
    expect(statuses.at(-1)).toContain(
      'The live session reported: the live session ended: the connection dropped again after 5 reconnects',
    );
    expect(statuses.at(-1)).toContain('PROCESSING_ERROR');
  });

  it('stops: the camera is released and the session closed', async () => {
    await page.check('input[name="kind"][value="color"]');
    await page.click('#start');
    await waitForStatus('Live.');
    await page.click('#stop');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Stopped.');
    await page.waitForTimeout(300);
    const settled = emulator.realtime.stats.framesAnswered;
    await page.waitForTimeout(500);
    // No more frames reach the service once stopped.
    expect(emulator.realtime.stats.framesAnswered).toBe(settled);
    expect(
      await page.evaluate(() => (document.getElementById('camera') as HTMLVideoElement).srcObject),
    ).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
