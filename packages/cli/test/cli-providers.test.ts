import { copyFile, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FalEmulator,
  fixturePath,
  type InferenceShEmulator,
  type MediaServer,
  makeSampleImage,
  makeSampleVideo,
  readFixture,
  startFalEmulator,
  startInferenceShEmulator,
  startMediaServer,
} from '@backdrop/testkit';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli, startCli } from './support/run-cli.js';

let folder: string;
let fal: FalEmulator | undefined;
let inference: InferenceShEmulator | undefined;
let media: MediaServer;

beforeAll(async () => {
  media = await startMediaServer();
});
afterAll(() => media.close());
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'backdrop-cli-'));
  await copyFile(fixturePath('ruby_mug.jpg'), join(folder, 'mug.jpg'));
});
afterEach(async () => {
  await fal?.close();
  await inference?.close();
  fal = undefined;
  inference = undefined;
});

/** The emulators and the media server are on loopback: the CLI may download from there only when told. */
const loopbackAllowed = { BACKDROP_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1' };

async function startFal(options: Parameters<typeof startFalEmulator>[0] = {}) {
  fal = await startFalEmulator({ proxyKey: 'test-fal-key', ...options });
  // The CLI reaches fal through a server proxy, as an app's backend would offer one.
  return { FAL_KEY: 'test-fal-key', BACKDROP_FAL_PROXY_URL: fal.proxyUrl, ...loopbackAllowed };
}

async function startInference(options: Parameters<typeof startInferenceShEmulator>[0] = {}) {
  inference = await startInferenceShEmulator(options);
  return {
    INFERENCE_API_KEY: 'inf_test_key',
    BACKDROP_INFERENCE_BASE_URL: inference.origin,
    ...loopbackAllowed,
  };
}

const englishPrompt = (count: number) =>
  Array.from(
    { length: count },
    (_, index) => ['soft', 'light', 'on', 'a', 'marble', 'counter'][index % 6],
  ).join(' ');

describe('backdrop with the local engine (no key, no network)', () => {
  it('remove writes <stem>.remove.png beside the input: an RGBA PNG of the same size', async () => {
    const run = await runCli(['remove', 'mug.jpg'], { cwd: folder });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('Wrote mug.remove.png (local, isnet-medium, about $0)');
    const metadata = await sharp(join(folder, 'mug.remove.png')).metadata();
    expect([metadata.width, metadata.height, metadata.channels]).toEqual([1200, 1200, 4]);
  });

  it('--json prints exactly one object; -o chooses the path', async () => {
    const run = await runCli(['remove', 'mug.jpg', '-o', 'cut.png', '--json'], { cwd: folder });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      provider: 'local',
      model: 'isnet-medium',
      requestId: expect.any(String),
      outputs: ['cut.png'],
      seed: null,
    });
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('replace --color puts a plain colour behind the subject; --prompt offline says where to go', async () => {
    expect((await runCli(['replace', 'mug.jpg', '--color', 'white'], { cwd: folder })).code).toBe(0);
    expect(await readdir(folder)).toContain('mug.replace.png');
    const prompt = await runCli(['replace', 'mug.jpg', '--prompt', 'a beach'], { cwd: folder });
    expect(prompt.code).toBe(2);
    expect(prompt.stderr).toContain('prompts need a generative model: use fal or inference.sh');
  });

  it('video writes a transparent WebM by default, and takes a colour and --no-audio', async () => {
    await writeFile(
      join(folder, 'clip.mp4'),
      await makeSampleVideo({ width: 64, height: 48, seconds: 0.4, fps: 5, audio: true }),
    );
    const run = await runCli(['video', 'clip.mp4', '--json'], { cwd: folder });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).outputs).toEqual(['clip.video.webm']);
    const coloured = await runCli(
      [
        'video',
        'clip.mp4',
        '--background',
        '#00ff00',
        '--container',
        'mp4_h264',
        '--no-audio',
        '-o',
        'green.mp4',
      ],
      { cwd: folder },
    );
    expect(coloured.code).toBe(0);
    expect(await readdir(folder)).toContain('green.mp4');
  });

  it('video: Ctrl-C mid-way exits 130 and leaves no output and no temporary copy behind', async () => {
    const temporary = join(folder, 'tmp');
    await (await import('node:fs/promises')).mkdir(temporary);
    await copyFile(fixturePath('05_default_juggle.mp4'), join(folder, 'clip.mp4'));
    const { child, done } = startCli(['video', 'clip.mp4', '--background', 'green'], {
      cwd: folder,
      env: { TMPDIR: temporary },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Frames are being matted: the input is copied into a temporary folder and the output started.
    await vi.waitFor(() => expect(stderr).toMatch(/\d+\/247 frames/), { timeout: 120_000, interval: 100 });
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('nothing was written');
    // Nothing more is matted or reported once stopped.
    expect(run.stderr.slice(run.stderr.indexOf('Interrupted'))).not.toMatch(/frames/);
    expect((await readdir(folder)).filter((name) => name.startsWith('clip.video'))).toEqual([]);
    // Only the engine's own folders count: other libraries may leave logs of their own here.
    expect((await readdir(temporary)).filter((name) => name.startsWith('backdrop-'))).toEqual([]);
  }, 180_000);

  it('takes an http(s) URL as input, writing into the working folder', async () => {
    const url = media.addFile('/photos/shop-mug.jpg', await readFixture('ruby_mug.jpg'), 'image/jpeg');
    const refused = await runCli(['remove', url, '--json'], { cwd: folder });
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).error).toMatchObject({ code: 'invalid_input', field: 'image' });
    const run = await runCli(['remove', url, '--json'], { cwd: folder, env: loopbackAllowed });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).outputs).toEqual(['shop-mug.remove.png']);
  });
});

describe('backdrop with fal (through a server proxy)', () => {
  it('replace --prompt --count 2 writes numbered results and reports the request', async () => {
    const env = await startFal();
    const run = await runCli(
      ['replace', 'mug.jpg', '--prompt', 'a beach', '--count', '2', '--seed', '5', '--json'],
      { cwd: folder, env },
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toEqual({
      provider: 'fal',
      model: 'fal-ai/bria/background/replace',
      requestId: expect.any(String),
      outputs: ['mug.replace-1.png', 'mug.replace-2.png'],
      seed: 5,
    });
    expect(fal?.jobs.get(report.requestId)?.input).toMatchObject({
      prompt: 'a beach',
      num_images: 2,
      seed: 5,
    });
    expect(
      fal?.requests
        .filter((request) => request.host === 'queue.fal.run')
        .every((request) => request.viaProxy),
    ).toBe(true);
  });

  it('exits 4 when fal keeps failing after the retries', async () => {
    const env = await startFal();
    fal?.faults.add({ operation: 'submit', fault: { type: 'status', status: 503 }, times: 20 });
    const run = await runCli(['remove', 'mug.jpg'], { cwd: folder, env: { ...env } });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(
      'fal failed while POST queue.fal.run/fal-ai/bria/background/remove (HTTP 503',
    );
    expect(run.stderr).toContain('To fix: run it again, or try another --provider.');
  });

  it('video on fal: a colour in MP4', async () => {
    const env = await startFal();
    await writeFile(
      join(folder, 'clip.mp4'),
      await makeSampleVideo({ width: 64, height: 48, seconds: 0.4, fps: 5 }),
    );
    const run = await runCli(
      [
        'video',
        'clip.mp4',
        '--background',
        'green',
        '--container',
        'mp4_h264',
        '--provider',
        'fal',
        '--json',
      ],
      { cwd: folder, env },
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      provider: 'fal',
      model: 'bria/video/background-removal',
      outputs: ['clip.video.mp4'],
    });
  });

  it('Ctrl-C cancels the provider job, exits 130 and leaves no output file', async () => {
    const env = await startFal({ queueMs: 60_000 });
    const { child, done } = startCli(['remove', 'mug.jpg'], { cwd: folder, env });
    await vi.waitFor(() => expect(fal?.jobs.size).toBe(1), { timeout: 20_000 });
    await vi.waitFor(
      () => expect(fal?.requests.some((request) => request.path.includes('/status'))).toBe(true),
      { timeout: 10_000 },
    );
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('Interrupted: the provider job was cancelled and nothing was written.');
    await vi.waitFor(() => expect([...(fal?.jobs.values() ?? [])][0]?.cancelled).toBe(true));
    expect(await readdir(folder)).toEqual(['mug.jpg']);
  });
});

describe('backdrop with inference.sh', () => {
  it('replace with a 50-110 word English prompt', async () => {
    const env = await startInference();
    const run = await runCli(['replace', 'mug.jpg', '--prompt', englishPrompt(60), '--json'], {
      cwd: folder,
      env,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      provider: 'inferencesh',
      model: 'bria/replace-background',
    });
  });

  it('exits 2 for a short prompt, naming the rule, before sending anything', async () => {
    const env = await startInference();
    const run = await runCli(
      ['replace', 'mug.jpg', '--prompt', englishPrompt(20), '--provider', 'inferencesh'],
      { cwd: folder, env },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('prompt: 20 words; inference.sh needs 50-110');
    expect(inference?.requests).toHaveLength(0);
  });

  it('exits 3 when moderation refuses the prompt, with the --json error object', async () => {
    const env = await startInference();
    const run = await runCli(
      ['replace', 'mug.jpg', '--prompt', `${englishPrompt(55)} forbidden-content`, '--json'],
      { cwd: folder, env },
    );
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        code: 'moderation',
        message: expect.stringContaining('content moderation refused it'),
        provider: 'inferencesh',
        field: 'prompt',
        requestId: expect.any(String),
      },
    });
  });
});

describe('backdrop batch', () => {
  it('runs a folder, records failures without stopping, and a rerun skips what is done', async () => {
    const photos = join(folder, 'photos');
    const results = join(folder, 'results');
    await (await import('node:fs/promises')).mkdir(photos);
    await copyFile(fixturePath('ruby_mug.jpg'), join(photos, 'a.jpg'));
    await copyFile(fixturePath('coffee.png'), join(photos, 'b.png'));
    await writeFile(join(photos, 'broken.jpg'), 'not an image at all');
    await writeFile(join(photos, 'notes.txt'), 'ignored');
    const first = await runCli(
      [
        'batch',
        'photos',
        '--op',
        'replace',
        '--color',
        'white',
        '--out',
        'results',
        '--concurrency',
        '2',
        '--json',
      ],
      { cwd: folder },
    );
    const report = JSON.parse(first.stdout);
    expect(report.done.map((entry: { input: string }) => entry.input).sort()).toEqual(['a.jpg', 'b.png']);
    expect(report.failed).toEqual([
      { input: 'broken.jpg', error: expect.objectContaining({ code: 'invalid_input', field: 'image' }) },
    ]);
    expect(report.skipped).toEqual([]);
    // Two files were done: exit 2 would say nothing was sent. 1: only refused-before-sending files failed.
    expect(first.code).toBe(1);
    expect((await readdir(results)).sort()).toEqual(['a.replace.png', 'b.replace.png']);

    const again = await runCli(
      ['batch', 'photos', '--op', 'replace', '--color', 'white', '--out', 'results'],
      { cwd: folder },
    );
    expect(again.stdout).toContain('done           0');
    expect(again.stdout).toContain('skipped        2 (already done)');
    expect(again.stdout).toContain('broken.jpg: image: must be an image');
  });

  it('keeps --concurrency jobs in flight and uploads the next files while they run', async () => {
    // Jobs wait 1.5 s in the queue: the next files' uploads go on meanwhile.
    const env = await startFal({ queueMs: 1_500 });
    const photos = join(folder, 'photos');
    await (await import('node:fs/promises')).mkdir(photos);
    for (const name of ['1.png', '2.png', '3.png', '4.png', '5.png'])
      await writeFile(join(photos, name), await makeSampleImage('png', 16, 16));
    const run = await runCli(
      [
        'batch',
        'photos',
        '--op',
        'remove',
        '--out',
        'out',
        '--concurrency',
        '2',
        '--provider',
        'fal',
        '--json',
      ],
      { cwd: folder, env },
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).done).toHaveLength(5);
    const jobs = [...(fal?.jobs.values() ?? [])].sort((left, right) => left.createdAt - right.createdAt);
    expect(jobs).toHaveLength(5);
    // Never more than two at fal: each job from the third on starts after one before it ended.
    jobs.slice(2).forEach((job, index) => {
      expect(job.createdAt).toBeGreaterThanOrEqual(jobs[index]?.completedAt ?? Number.POSITIVE_INFINITY);
    });
    // Four files were uploaded before the first job's result was read.
    const calls = (fal?.requests ?? []).map((request) => `${request.method} ${request.path}`);
    const firstResult = calls.findIndex((call) => /^GET \/fal-ai\/bria\/requests\/[^/]+$/.test(call));
    expect(calls.slice(0, firstResult).filter((call) => call.startsWith('PUT /storage/put/'))).toHaveLength(
      4,
    );
  });

  it('keeps a paid job the moment fal takes it: a batch killed outright resumes it, never paying twice', async () => {
    const env = await startFal({ queueMs: 3000 });
    const photos = join(folder, 'photos');
    await (await import('node:fs/promises')).mkdir(photos);
    await copyFile(fixturePath('ruby_mug.jpg'), join(photos, 'mug.jpg'));
    const arguments_ = ['batch', 'photos', '--op', 'remove', '--out', 'out', '--provider', 'fal', '--json'];
    const { child, done } = startCli(arguments_, { cwd: folder, env });
    // The handle is on disk while the job is still queued at fal.
    await vi.waitFor(
      async () => expect(await readdir(join(folder, 'out')).catch(() => [])).toContain('mug.remove.job.json'),
      { timeout: 30_000 },
    );
    child.kill('SIGKILL');
    await done;
    expect(fal?.jobs.size).toBe(1);
    const resumed = await runCli(arguments_, { cwd: folder, env });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).done).toEqual([
      expect.objectContaining({ input: 'mug.jpg', resumed: true }),
    ]);
    expect(fal?.jobs.size).toBe(1);
    expect((await readdir(join(folder, 'out'))).sort()).toEqual(['mug.remove.png']);
  });

  it('resumes after an interrupted run, finishing only what is left', async () => {
    const env = await startFal({ queueMs: 400 });
    const photos = join(folder, 'photos');
    await (await import('node:fs/promises')).mkdir(photos);
    for (const name of ['1.jpg', '2.jpg', '3.jpg', '4.jpg'])
      await copyFile(fixturePath('ruby_mug.jpg'), join(photos, name));
    const { child, done } = startCli(
      ['batch', 'photos', '--op', 'remove', '--out', 'out', '--concurrency', '1', '--provider', 'fal'],
      { cwd: folder, env },
    );
    await vi.waitFor(
      async () =>
        expect(
          (await readdir(join(folder, 'out')).catch(() => [])).filter((name) => name.endsWith('.png')).length,
        ).toBeGreaterThanOrEqual(1),
      { timeout: 30_000 },
    );
    child.kill('SIGINT');
    expect((await done).code).toBe(130);
    const written = (await readdir(join(folder, 'out'))).filter((name) => !name.startsWith('.'));
    expect(written.length).toBeGreaterThanOrEqual(1);
    expect(written.length).toBeLessThan(4);
    const resumed = await runCli(
      ['batch', 'photos', '--op', 'remove', '--out', 'out', '--provider', 'fal', '--json'],
      { cwd: folder, env },
    );
    const report = JSON.parse(resumed.stdout);
    expect(report.skipped.length).toBe(written.length);
    expect(report.done.length).toBe(4 - written.length);
    expect(resumed.code).toBe(0);
    expect((await readdir(join(folder, 'out'))).filter((name) => name.endsWith('.remove.png'))).toHaveLength(
      4,
    );
  });
});
