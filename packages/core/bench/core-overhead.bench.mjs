// Core's own cost per call, against calling an adapter directly: validation, media sniffing,
// routing, job orchestration and result building. Run with `pnpm bench` (builds first).
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { createBackdrop } from '../dist/index.js';

const photo = new Uint8Array(await readFile(new URL('../../testkit/fixtures/truck.jpg', import.meta.url)));
const output = { files: [{ url: 'https://cdn.example.com/out.png', contentType: 'image/png' }] };

const adapter = {
  specificationVersion: 'v1',
  provider: 'memory',
  displayName: 'memory',
  capabilities: {
    removeBackground: [{ model: 'memory-remove', image: { formats: ['png', 'jpeg', 'webp'] } }],
  },
  removeBackground: {
    async start(call) {
      return {
        handle: { provider: 'memory', operation: 'removeBackground', model: call.model, id: 'job' },
        update: { state: 'completed', output },
      };
    },
    async status() {
      return { state: 'completed', output };
    },
  },
};

function median(values) {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(label, iterations, run) {
  for (let index = 0; index < 50; index++) await run(); // warm up
  const samples = [];
  for (let index = 0; index < iterations; index++) {
    const started = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  return { label, iterations, medianMicroseconds: Math.round(median(samples)) };
}

const backdrop = createBackdrop({ providers: [adapter] });
const context = { signal: new AbortController().signal, fetch };
const results = [
  await measure('adapter called directly', 2000, () =>
    adapter.removeBackground.start(
      { model: 'memory-remove', image: { kind: 'url', url: 'https://x/a.jpg' }, providerOptions: undefined },
      context,
    ),
  ),
  await measure('backdrop.removeBackground (URL input)', 2000, () =>
    backdrop.removeBackground({ image: 'https://cdn.example.com/a.jpg' }),
  ),
  await measure('backdrop.removeBackground (1800x1200 JPEG bytes: sniff + dimensions)', 2000, () =>
    backdrop.removeBackground({ image: photo }),
  ),
];

console.log(`core overhead on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
console.table(results);
