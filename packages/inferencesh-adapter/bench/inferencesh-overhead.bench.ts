import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { createBackdrop } from '@backdrop/core';
import { makeSampleImage, runConcurrently, startInferenceShEmulator } from '@backdrop/testkit';
import { Agent, request } from 'undici';
import { it } from 'vitest';
import { createInferenceSh } from '../src/node.js';

const total = 200;
const concurrency = 16;

it('inference.sh: Backdrop against plain undici doing the same protocol', async () => {
  const emulator = await startInferenceShEmulator({ stepMs: 10, processingMs: 40 });
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  const headers = { authorization: 'Bearer inf_test_key', 'content-type': 'application/json' };

  // An input both sides read by URL, so neither pays for an upload.
  const seedRun = await createBackdrop({
    providers: [createInferenceSh({ apiKey: 'inf_test_key', baseUrl: emulator.origin })],
  }).removeBackground({
    image: await makeSampleImage('png', 64, 64),
  });
  const image = seedRun.outputs[0]?.url ?? '';

  /** The protocol by hand: POST /apps/run, then read the NDJSON stream until the task ends. */
  const bare = async () => {
    const run = await request(`${emulator.origin}/apps/run`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ app: 'bria/rmbg', input: { image } }),
      dispatcher: agent,
    });
    const { data: task } = (await run.body.json()) as { data: { id: string } };
    const stream = await request(`${emulator.origin}/tasks/${task.id}/stream`, {
      headers: { ...headers, accept: 'application/x-ndjson' },
      dispatcher: agent,
    });
    let buffered = '';
    for await (const chunk of stream.body) {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      if (lines.some((line) => line.trim() !== '' && [10, 11, 12].includes(JSON.parse(line).data?.status)))
        break;
    }
    stream.body.destroy();
  };
  const backdrop = createBackdrop({
    providers: [createInferenceSh({ apiKey: 'inf_test_key', baseUrl: emulator.origin })],
  });
  const viaBackdrop = () => backdrop.removeBackground({ image });

  await runConcurrently(32, concurrency, bare);
  await runConcurrently(32, concurrency, viaBackdrop);
  const rows = [];
  for (let round = 1; round <= 2; round++) {
    const plain = await runConcurrently(total, concurrency, bare);
    const withBackdrop = await runConcurrently(total, concurrency, viaBackdrop);
    const plainAgain = await runConcurrently(total, concurrency, bare);
    const plainMean = (plain + plainAgain) / 2;
    rows.push({
      run: `round ${round}: ${total} removes, concurrency ${concurrency}`,
      plainUndiciMs: Math.round(plainMean),
      backdropMs: Math.round(withBackdrop),
      ratio: Number((withBackdrop / plainMean).toFixed(3)),
      target: '<= 1.05',
    });
  }
  await emulator.close();
  await agent.close();
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  console.log(`inference.sh overhead (emulator steps 10 ms, running 40 ms) on ${machine}`);
  console.table(rows);
  await mkdir('bench-results', { recursive: true });
  await writeFile(
    'bench-results/inferencesh-overhead.json',
    `${JSON.stringify({ machine, rows }, null, 2)}\n`,
  );
});
