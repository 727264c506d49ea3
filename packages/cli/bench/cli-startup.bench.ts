import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/backdrop.js', import.meta.url));

it('backdrop --help start-up time', async () => {
  const times: number[] = [];
  for (let run = 0; run < 21; run++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [cli, '--help']);
    if (result.status !== 0) throw new Error(String(result.stderr));
    if (run > 0) times.push(performance.now() - started);
  }
  times.sort((left, right) => left - right);
  const row = {
    run: 'backdrop --help (20 runs)',
    medianMs: Math.round(times[10] ?? 0),
    p95Ms: Math.round(times[18] ?? 0),
    target: 'under 300 ms',
  };
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  console.log(`CLI start-up on ${machine}`);
  console.table([row]);
  await mkdir('bench-results', { recursive: true });
  await writeFile('bench-results/cli-startup.json', `${JSON.stringify({ machine, rows: [row] }, null, 2)}\n`);
});
