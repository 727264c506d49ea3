import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

const runner = fileURLToPath(new URL('./local-engine-run.mjs', import.meta.url));

function measure(...args: string[]): Record<string, number> {
  const run = spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
}

it('local engine: remove at 1024x1024 and 4000x3000, video at 640x360', () => {
  const rows = [
    {
      run: 'remove 1024x1024 (warm median of 5)',
      ...measure('image', '1024', '1024'),
      target: 'under 1500 ms, under 1500 MB',
    },
    {
      run: 'remove 4000x3000 (warm median of 5)',
      ...measure('image', '4000', '3000'),
      target: 'memory bounded',
    },
    {
      run: 'video 640x360, 30 frames, green background',
      ...measure('video', '640', '360', '30'),
      target: 'reported',
    },
  ];
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  console.log(`local engine (ISNet medium, onnxruntime-node CPU) on ${machine}`);
  console.table(rows);
  return mkdir('bench-results', { recursive: true }).then(() =>
    writeFile('bench-results/local-engine.json', `${JSON.stringify({ machine, rows }, null, 2)}\n`),
  );
});
