import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FalEmulator, falHosts, fixturePath, readPixel, startFalEmulator } from '@backdrop/testkit';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshProject, type InstallMeasure, npmInstall } from './support/fresh-project.js';
import { packPublicPackages, publicPackages } from './support/pack-packages.js';
import { type ReadmeExample, readReadmeExample } from './support/readme-example.js';
import { type CommandRun, developerEnvironment, runCommand } from './support/run-command.js';

const falFileOrigin = 'https://v3.fal.media';
const falKey = 'test-fal-key';

let workspace: string;
let project: string;
let withoutModel: InstallMeasure;
let withModel: InstallMeasure;
let providersBeforeModel: CommandRun;
let fal: FalEmulator;
let example: ReadmeExample;

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const backdropBin = () => join(project, 'node_modules', '.bin', 'backdrop');

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'backdrop-npm-install-'));
  project = join(workspace, 'project');
  const tarballs = await packPublicPackages(join(workspace, 'tarballs'));
  await createFreshProject(project);
  withoutModel = await npmInstall(project, tarballs);
  providersBeforeModel = await runCommand(backdropBin(), ['providers', '--json'], { cwd: project });
  const localAdapter = JSON.parse(
    await readFile(join(project, 'node_modules/@backdrop/local-adapter/package.json'), 'utf8'),
  ) as { peerDependencies: Record<string, string> };
  const modelPackage = '@imgly/background-removal-data';
  withModel = await npmInstall(project, [`${modelPackage}@${localAdapter.peerDependencies[modelPackage]}`]);
  // For the release note: what a developer waits for and stores.
  console.log(
    [
      'npm install of the five tarballs (registry, npm cache as found):',
      `  without the model: ${withoutModel.seconds.toFixed(1)} s, node_modules ${megabytes(withoutModel.bytes)}`,
      `  then the model:    ${withModel.seconds.toFixed(1)} s more, node_modules ${megabytes(withModel.bytes)} (the model package ${megabytes(withModel.bytes - withoutModel.bytes)})`,
    ].join('\n'),
  );
  fal = await startFalEmulator({ keys: [falKey], fileOrigin: falFileOrigin });
  example = await readReadmeExample();
});

afterAll(async () => {
  await fal?.close();
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

/** Runs the README example (transpiled, unchanged) in the project, its fal calls answered by the emulator. */
async function runExample(source: string, key = falKey): Promise<CommandRun> {
  const javascript = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  await writeFile(join(project, 'example.mjs'), javascript);
  const preload = fileURLToPath(new URL('./support/point-at-emulator.mjs', import.meta.url));
  return runCommand(process.execPath, ['--import', preload, 'example.mjs'], {
    cwd: project,
    env: developerEnvironment({
      FAL_KEY: key,
      INFERENCE_API_KEY: 'inf_unused_key',
      FAL_EMULATOR_ORIGIN: fal.origin,
      FAL_EMULATOR_HOSTS: falHosts.join(','),
      FAL_EMULATOR_FILE_ORIGIN: falFileOrigin,
    }),
  });
}

describe('installed from npm tarballs into a fresh project', () => {
  it('resolves every @backdrop package to the packed copy, with no workspace ranges left', async () => {
    expect(publicPackages).toEqual(
      expect.arrayContaining(['cli', 'core', 'fal-adapter', 'inferencesh-adapter', 'jobs', 'local-adapter']),
    );
    for (const name of publicPackages) {
      const folder = join(project, 'node_modules/@backdrop', name);
      const manifest = await readFile(join(folder, 'package.json'), 'utf8');
      expect(manifest).not.toContain('workspace:');
      expect(JSON.parse(manifest)).toMatchObject({
        license: 'MIT',
        repository: { url: expect.stringMatching(/^git\+https:\/\//), directory: `packages/${name}` },
        bugs: { url: expect.stringMatching(/^https:\/\//) },
      });
      expect(await readFile(join(folder, 'LICENSE'), 'utf8')).toContain('MIT License');
    }
    // The .npmrc line kept onnxruntime-node's install script from fetching its CUDA libraries.
    const runtimeFiles = await readdir(join(project, 'node_modules/onnxruntime-node/bin'), {
      recursive: true,
    });
    expect(runtimeFiles.filter((file) => /cuda|tensorrt/i.test(file))).toEqual([]);
    expect(
      runtimeFiles.some((file) => /libonnxruntime\.so|onnxruntime\.dll|libonnxruntime\..*dylib/.test(file)),
    ).toBe(true);
    const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    // One core for all: a nested copy would split isBackdropError's classes and double the install.
    expect(Object.keys(lock.packages).filter((path) => path.endsWith('node_modules/@backdrop/core'))).toEqual(
      ['node_modules/@backdrop/core'],
    );
  });

  it('says the local engine needs a model until one is installed', async () => {
    const local = (run: CommandRun) =>
      (
        JSON.parse(run.stdout) as {
          providers: Array<{ provider: string; available: boolean; unavailableReason?: string }>;
        }
      ).providers.find((entry) => entry.provider === 'local');
    expect(providersBeforeModel.code).toBe(0);
    expect(local(providersBeforeModel)).toMatchObject({ available: false });
    expect(local(providersBeforeModel)?.unavailableReason).toContain('@imgly/background-removal-data');
    const after = await runCommand(backdropBin(), ['providers', '--json'], { cwd: project });
    expect(local(after)).toMatchObject({ available: true });
  });

  it('cuts out a photo offline through the installed backdrop bin', async () => {
    await copyFile(fixturePath('ruby_mug.jpg'), join(project, 'mug.jpg'));
    const run = await runCommand(backdropBin(), ['remove', 'mug.jpg'], {
      cwd: project,
      env: developerEnvironment({ BACKDROP_CACHE_DIR: join(workspace, 'model-cache') }),
    });
    expect(run.stderr + run.stdout).toContain('Wrote mug.remove.png (local');
    expect(run.code).toBe(0);
    const png = await readFile(join(project, 'mug.remove.png'));
    expect((await readPixel(png, 0, 0))[3]).toBe(0); // the background corner
    expect((await readPixel(png, 600, 600))[3]).toBe(255); // the mug
  });

  it("runs the README's library example against the fal emulator, progress in the order it says", async () => {
    await copyFile(fixturePath('ruby_mug.jpg'), join(project, 'product.jpg'));
    const run = await runExample(example.source);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    // result.provider, result.model, result.seed, result.estimatedCostUsd
    expect(lines.find((line) => line.startsWith('fal '))).toMatch(/^fal \S+ \d+ [\d.]+$/);
    const events = lines.filter((line) => /^[a-z]+$/.test(line));
    expect(events[0]).toBe('uploading');
    expect(events).toContain('running');
    // "uploading, queued, running, done; then downloading, as outputs[i].bytes() fetches a file"
    const done = events.indexOf('done');
    expect(done).toBeGreaterThan(0);
    expect(events.slice(done + 1).length).toBeGreaterThan(0);
    expect(events.slice(done + 1).every((event) => event === 'downloading')).toBe(true);
    expect(events.slice(0, done)).not.toContain('downloading');
    const submits = fal.requests.filter(
      (request) => request.method === 'POST' && request.host === 'queue.fal.run',
    );
    expect(submits.map((request) => request.body)).toEqual([
      expect.objectContaining({ prompt: 'on a white marble counter, soft morning light', num_images: 2 }),
    ]);
  });

  it("refuses the example's 8-word prompt on inference.sh with the message its comment quotes", async () => {
    const withInferenceSh = example.source.replace('count: 2,', "count: 2,\n    provider: 'inferencesh',");
    expect(withInferenceSh).not.toBe(example.source);
    const run = await runExample(withInferenceSh);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(example.quotedRefusal);
  });

  it('prints an auth error with no field as "-", and never the key', async () => {
    const wrongKey = 'wrong-fal-key-0123456789';
    const run = await runExample(example.source, wrongKey);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^auth - /);
    expect(run.stderr).not.toContain('undefined');
    expect(run.stderr).not.toContain(wrongKey);
  });

  it.each(['bundler', 'nodenext'] as const)(
    'type-checks the example under strict and noUncheckedIndexedAccess (moduleResolution %s)',
    async (resolution) => {
      await writeFile(join(project, 'example.ts'), example.source);
      const config = `tsconfig.${resolution}.json`;
      await writeFile(
        join(project, config),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noUncheckedIndexedAccess: true,
            target: 'es2022',
            module: resolution === 'bundler' ? 'esnext' : 'nodenext',
            moduleResolution: resolution,
            lib: ['es2023', 'dom'],
            types: [],
            noEmit: true,
          },
          files: ['example.ts'],
        }),
      );
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      const run = await runCommand(process.execPath, [tsc, '-p', config], { cwd: project });
      expect(run.stdout + run.stderr).toBe('');
      expect(run.code).toBe(0);
    },
  );
});
