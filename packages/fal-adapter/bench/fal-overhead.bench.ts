import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { createBackdrop } from '@backdrop/core';
import { makeSampleImage, runConcurrently, startFalEmulator } from '@backdrop/testkit';
import { createFalClient } from '@fal-ai/client';
import { it } from 'vitest';
import { createFal } from '../src/index.js';

const total = 200;
const pollIntervalMs = 100;

it('fal: Backdrop against the bare @fal-ai/client, through the emulator', async () => {
  const emulator = await startFalEmulator({ queueMs: 20, processingMs: 40 });
  const bare = createFalClient({ credentials: 'test-fal-key', fetch: emulator.fetch });
  const image = await bare.storage.upload(
    new Blob([(await makeSampleImage('png', 64, 64)) as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
  );
  const backdrop = createBackdrop({
    providers: [createFal({ credentials: 'test-fal-key', fetch: emulator.fetch })],
    fetch: emulator.fetch,
    pollIntervalMs,
  });
  const viaClient = () =>
    bare.subscribe('fal-ai/bria/background/remove', {
      input: { image_url: image },
      pollInterval: pollIntervalMs,
    });
  const viaBackdrop = () => backdrop.removeBackground({ image });

  // Warm both paths (connections, JIT) before measuring.
  await runConcurrently(20, 4, viaClient);
  await runConcurrently(20, 4, viaBackdrop);

  const rows = [];
  for (const concurrency of [1, 16]) {
    // Alternate the order, so neither side always runs on a warmer machine.
    const client = await runConcurrently(total, concurrency, viaClient);
    const withBackdrop = await runConcurrently(total, concurrency, viaBackdrop);
    const clientAgain = await runConcurrently(total, concurrency, viaClient);
    const clientMean = (client + clientAgain) / 2;
    rows.push({
      run: `${total} removes, concurrency ${concurrency}`,
      bareClientMs: Math.round(clientMean),
      backdropMs: Math.round(withBackdrop),
      ratio: Number((withBackdrop / clientMean).toFixed(3)),
      target: '<= 1.05',
    });
  }
  await emulator.close();
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  console.log(
    `fal overhead (poll interval ${pollIntervalMs} ms, emulator 20 ms queued + 40 ms running) on ${machine}`,
  );
  console.table(rows);
  await mkdir('bench-results', { recursive: true });
  await writeFile('bench-results/fal-overhead.json', `${JSON.stringify({ machine, rows }, null, 2)}\n`);
});
