import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'backdrop-cli-usage-'));
});

describe('backdrop: usage', () => {
  it('prints help and exits 0', async () => {
    const help = await runCli(['--help'], { cwd: folder });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('backdrop remove <input>');
    expect(help.stdout).toContain('Exit codes: 0 done; 1 batch: some files failed before sending');
    expect(help.stdout).toContain('backdrop resume <handle-file>');
    const topic = await runCli(['help', 'video'], { cwd: folder });
    expect(topic.stdout).toContain('--background   transparent (default), blur');
  });

  it.each([
    [
      ['frobnicate'],
      'unknown command "frobnicate": use remove, replace, video, batch, worker, resume or providers',
    ],
    [['remove'], 'remove needs an input (a file path or an http(s) URL). Run "backdrop help remove".'],
    [['remove', 'a.png', 'b.png'], 'remove takes a single input; got 2: a.png b.png'],
    [['remove', 'a.png', '--bogus'], "Unknown option '--bogus'"],
    [
      ['replace', 'a.png'],
      'say what the new background is: --prompt <text>, --ref <image> or --color <colour>',
    ],
    [
      ['replace', 'a.png', '--prompt', 'x', '--ref', 'b.png'],
      'give one of --prompt, --ref and --color, not several',
    ],
    [['replace', 'a.png', '--prompt', 'x', '--seed', 'seven'], '--seed must be a whole number; got "seven"'],
    [
      ['remove', 'a.png', '--provider', 'replicate'],
      '--provider must be one of fal, inferencesh, local; got "replicate"',
    ],
    [['batch', 'photos', '--op', 'remove'], 'batch needs --out <dir> for the results'],
    [['batch', 'photos', '--op', 'erase', '--out', 'x'], '--op must be remove or replace; got "erase"'],
  ])('refuses %j with exit 2 and one sentence', async (args, message) => {
    const run = await runCli(args, { cwd: folder });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it('answers usage errors as the --json error object', async () => {
    const run = await runCli(['replace', 'a.png', '--json'], { cwd: folder });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        code: 'invalid_input',
        message: 'say what the new background is: --prompt <text>, --ref <image> or --color <colour>',
        provider: null,
        field: null,
      },
    });
  });

  it('names a missing input file before anything is sent, exit 2', async () => {
    const run = await runCli(['remove', 'missing.png'], { cwd: folder });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('image: "missing.png": no such file');
  });

  it('lists the configured providers', async () => {
    const local = JSON.parse((await runCli(['providers', '--json'], { cwd: folder })).stdout) as {
      providers: Array<{ provider: string }>;
    };
    expect(local.providers.map((entry) => entry.provider)).toEqual(['local']);
    const both = await runCli(['providers', '--json'], {
      cwd: folder,
      env: { FAL_KEY: 'k', INFERENCE_API_KEY: 'i' },
    });
    const providers = (
      JSON.parse(both.stdout) as {
        providers: Array<{ provider: string; operations: Array<{ operation: string }> }>;
      }
    ).providers;
    expect(providers.map((entry) => entry.provider)).toEqual(['fal', 'inferencesh', 'local']);
    expect(providers[0]?.operations.map((entry) => entry.operation)).toEqual([
      'remove',
      'replace',
      'video',
      'live video',
    ]);
    const human = await runCli(['providers'], { cwd: folder });
    expect(human.stdout).toContain('local       remove (isnet-medium)');
  });

  it('says the local engine is unavailable without a model, and how to install one', async () => {
    const env = { BACKDROP_LOCAL_MODEL: join(folder, 'no-such-model.onnx') };
    const human = await runCli(['providers'], { cwd: folder, env });
    expect(human.stdout).toContain(
      'local       unavailable: no model installed; npm install @imgly/background-removal-data',
    );
    const json = JSON.parse((await runCli(['providers', '--json'], { cwd: folder, env })).stdout) as {
      providers: Array<{ provider: string; available: boolean; unavailableReason?: string }>;
    };
    expect(json.providers).toEqual([
      expect.objectContaining({
        provider: 'local',
        available: false,
        unavailableReason: expect.stringContaining('BACKDROP_LOCAL_MODEL'),
      }),
    ]);
  });

  it('refuses a provider that is not configured, saying how to configure it', async () => {
    const run = await runCli(['remove', 'a.png', '--provider', 'fal'], { cwd: folder });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--provider fal is not configured: set FAL_KEY (or BACKDROP_FAL_PROXY_URL)');
  });
});
