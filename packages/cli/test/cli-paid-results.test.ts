import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FalEmulator,
  type FaultProxy,
  fixturePath,
  type InferenceShEmulator,
  startFalEmulator,
  startFaultProxy,
  startInferenceShEmulator,
} from '@backdrop/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli, startCli } from './support/run-cli.js';

let folder: string;
let fal: FalEmulator | undefined;
let inference: InferenceShEmulator | undefined;
let proxy: FaultProxy | undefined;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'backdrop-cli-paid-'));
  await copyFile(fixturePath('ruby_mug.jpg'), join(folder, 'mug.jpg'));
});
afterEach(async () => {
  await proxy?.close();
  await fal?.close();
  await inference?.close();
  proxy = undefined;
  fal = undefined;
  inference = undefined;
});

/** The emulators are on loopback: the CLI downloads from there only when told. */
const loopbackAllowed = { BACKDROP_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1' };

/** fal through its server proxy, optionally behind the fault proxy. */
async function startFal(options: { faultProxy?: boolean; queueMs?: number } = {}) {
  fal = await startFalEmulator({ proxyKey: 'test-fal-key', queueMs: options.queueMs });
  let proxyUrl = fal.proxyUrl;
  if (options.faultProxy) {
    proxy = await startFaultProxy({ target: fal.origin });
    proxyUrl = `${proxy.origin}/proxy`;
  }
  return { FAL_KEY: 'test-fal-key', BACKDROP_FAL_PROXY_URL: proxyUrl, ...loopbackAllowed };
}

/** inference.sh behind the fault proxy. */
async function startInference() {
  inference = await startInferenceShEmulator();
  proxy = await startFaultProxy({ target: inference.origin });
  return { INFERENCE_API_KEY: 'inf_test_key', BACKDROP_INFERENCE_BASE_URL: proxy.origin, ...loopbackAllowed };
}

const falSubmits = () =>
  fal?.requests.filter((request) => request.host === 'queue.fal.run' && request.method === 'POST') ?? [];

describe('a paid result is never lost', () => {
  it('retries the output download after 503s and a body cut half-way', async () => {
    const env = await startFal({ faultProxy: true });
    fal?.faults.add({ operation: 'download', fault: { type: 'status', status: 503 }, times: 2 });
    proxy?.add({ method: 'GET', path: /^\/files\//, fault: 'cut-body' });
    const run = await runCli(['remove', 'mug.jpg', '--provider', 'fal', '--json'], { cwd: folder, env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).outputs).toEqual(['mug.remove.png']);
    expect(proxy?.log.filter((entry) => entry.fault === 'cut-body')).toHaveLength(1);
    expect(fal?.jobs.size).toBe(1);
  });

  it('keeps the handle when the download fails for good, and resume writes the result with no new job', async () => {
    const env = await startFal();
    fal?.faults.add({ operation: 'download', fault: { type: 'status', status: 503 }, times: 30 });
    const failed = await runCli(['remove', 'mug.jpg', '--provider', 'fal'], { cwd: folder, env });
    expect(failed.code).toBe(4);
    expect(failed.stderr).toContain('was paid for, but its result could not be downloaded');
    expect(failed.stderr).toContain('run "backdrop resume mug.remove.job.json"');
    expect(failed.stderr).not.toContain('run it again');
    const kept = JSON.parse(await readFile(join(folder, 'mug.remove.job.json'), 'utf8'));
    expect(kept.handle).toMatchObject({ provider: 'fal', operation: 'removeBackground' });

    fal?.faults.clear();
    const resumed = await runCli(['resume', 'mug.remove.job.json', '--json'], { cwd: folder, env });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ provider: 'fal', outputs: ['mug.remove.png'] });
    expect((await readdir(folder)).sort()).toEqual(['mug.jpg', 'mug.remove.png']);
    expect(falSubmits()).toHaveLength(1);
  });

  it('names the handle file as error.handleFile in --json', async () => {
    const env = await startFal();
    fal?.faults.add({ operation: 'download', fault: { type: 'drop' }, times: 30 });
    const run = await runCli(['remove', 'mug.jpg', '-o', 'cut.png', '--provider', 'fal', '--json'], {
      cwd: folder,
      env,
    });
    expect(run.code).toBe(4);
    const { error } = JSON.parse(run.stdout);
    expect(error).toMatchObject({ code: 'network', provider: 'fal', handleFile: 'cut.png.job.json' });
    expect(error.requestId).toEqual(expect.any(String));
    expect(error.message).toContain('was paid for');
  });

  it('--count 3 that cannot write all results keeps none of them, and keeps the paid job', async () => {
    const env = await startFal();
    // The third result's path is taken by a folder: the first two must not stay as a partial set.
    await mkdir(join(folder, 'set-3.png'));
    await writeFile(join(folder, 'set-3.png', 'keep'), 'x');
    const run = await runCli(
      ['replace', 'mug.jpg', '--prompt', 'a beach', '--count', '3', '-o', 'set.png', '--provider', 'fal'],
      { cwd: folder, env },
    );
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('could not be written');
    expect((await readdir(folder)).sort()).toEqual(['mug.jpg', 'set-3.png', 'set.png.job.json']);
    await (await import('node:fs/promises')).rm(join(folder, 'set-3.png'), { recursive: true });
    const resumed = await runCli(['resume', 'set.png.job.json'], { cwd: folder, env });
    expect(resumed.code).toBe(0);
    expect((await readdir(folder)).sort()).toEqual(['mug.jpg', 'set-1.png', 'set-2.png', 'set-3.png']);
    expect(falSubmits()).toHaveLength(1);
  });
});

describe('where results are written', () => {
  it('-o into a missing folder creates it; -o naming a folder writes <stem>.<op>.png inside', async () => {
    const env = await startFal();
    const nested = await runCli(['remove', 'mug.jpg', '-o', 'new/deeper/cut.png', '--provider', 'fal'], {
      cwd: folder,
      env,
    });
    expect(nested.code).toBe(0);
    expect(await readdir(join(folder, 'new', 'deeper'))).toEqual(['cut.png']);
    await mkdir(join(folder, 'results'));
    const inside = await runCli(['remove', 'mug.jpg', '-o', 'results', '--provider', 'fal', '--json'], {
      cwd: folder,
      env,
    });
    expect(inside.code).toBe(0);
    expect(JSON.parse(inside.stdout).outputs).toEqual([join('results', 'mug.remove.png')]);
  });

  it.each([
    ['the input itself', ['-o', 'mug.jpg'], 'would overwrite the input mug.jpg'],
    ['a path under a file', ['-o', 'mug.jpg/cut.png'], 'is a file, not a folder'],
    ['a device', ['-o', '/dev/null'], 'is a device or special file'],
  ])('refuses %s before anything is sent (exit 2)', async (_label, flags, message) => {
    const env = await startFal();
    const run = await runCli(['remove', 'mug.jpg', ...flags, '--provider', 'fal'], { cwd: folder, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(fal?.requests).toHaveLength(0);
  });
});

describe('a job is never paid for twice', () => {
  it('does not resend a submit whose answer was cut after fal took it', async () => {
    const env = await startFal({ faultProxy: true });
    proxy?.add({ method: 'POST', path: /^\/proxy/, fault: 'cut-after' });
    const run = await runCli(['remove', 'https://cdn.example.com/mug.jpg', '--provider', 'fal'], {
      cwd: folder,
      env,
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('the job may have started and may be charged, so it was not resent');
    expect(run.stderr).not.toContain('run it again');
    expect(falSubmits()).toHaveLength(1);
  });

  it('does not resend POST /apps/run after malformed JSON, on inference.sh', async () => {
    const env = await startInference();
    proxy?.add({ method: 'POST', path: /^\/apps\/run/, fault: 'malformed-json' });
    const run = await runCli(['remove', 'mug.jpg', '--provider', 'inferencesh', '--json'], {
      cwd: folder,
      env,
    });
    expect(run.code).toBe(4);
    expect(JSON.parse(run.stdout).error.message).toContain('was not resent to avoid paying twice');
    expect(inference?.requests.filter((request) => request.path === '/apps/run')).toHaveLength(1);
  });
});

describe('batch', () => {
  it('gives a.png and a.jpg results of their own, and a rerun skips both', async () => {
    const env = await startFal();
    await mkdir(join(folder, 'photos'));
    await copyFile(fixturePath('ruby_mug.jpg'), join(folder, 'photos', 'a.jpg'));
    await copyFile(fixturePath('coffee.png'), join(folder, 'photos', 'a.png'));
    const first = await runCli(['batch', 'photos', '--op', 'remove', '--out', 'out', '--provider', 'fal'], {
      cwd: folder,
      env,
    });
    expect(first.code).toBe(0);
    expect((await readdir(join(folder, 'out'))).sort()).toEqual(['a.jpg.remove.png', 'a.png.remove.png']);
    const again = await runCli(
      ['batch', 'photos', '--op', 'remove', '--out', 'out', '--provider', 'fal', '--json'],
      { cwd: folder, env },
    );
    expect(JSON.parse(again.stdout).skipped).toEqual(['a.jpg', 'a.png']);
    expect(falSubmits()).toHaveLength(2);
  });

  it('exits 2 only when nothing was sent', async () => {
    await mkdir(join(folder, 'broken'));
    await writeFile(join(folder, 'broken', 'x.png'), 'not an image');
    const run = await runCli(['batch', 'broken', '--op', 'remove', '--out', 'out', '--json'], {
      cwd: folder,
    });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).failed).toHaveLength(1);
  });

  it('after Ctrl-C, --json still prints the done/failed/skipped summary', async () => {
    const env = await startFal({ queueMs: 60_000 });
    await mkdir(join(folder, 'photos'));
    for (const name of ['1.jpg', '2.jpg'])
      await copyFile(fixturePath('ruby_mug.jpg'), join(folder, 'photos', name));
    const { child, done } = startCli(
      [
        'batch',
        'photos',
        '--op',
        'remove',
        '--out',
        'out',
        '--provider',
        'fal',
        '--concurrency',
        '1',
        '--json',
      ],
      { cwd: folder, env },
    );
    await vi.waitFor(
      () => expect(fal?.requests.some((request) => request.path.includes('/status'))).toBe(true),
      {
        timeout: 20_000,
      },
    );
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(130);
    const summary = JSON.parse(run.stdout);
    // 2.jpg was in hand (read, uploaded, waiting for a slot) but with --concurrency 1 never started.
    expect(summary).toMatchObject({ done: [], failed: [], skipped: [] });
    expect([...summary.interrupted].sort()).toEqual(['1.jpg', '2.jpg']);
    expect(fal?.jobs.size).toBe(1);
    await vi.waitFor(() => expect([...(fal?.jobs.values() ?? [])][0]?.cancelled).toBe(true));
  });
});
