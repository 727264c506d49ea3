import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type InferenceShEmulator,
  startInferenceShEmulator,
} from '../src/inferencesh/inferencesh-emulator.js';
import { makeSampleImage } from '../src/sample-media.js';

let emulator: InferenceShEmulator;
afterEach(() => emulator?.close());

const auth = { authorization: 'Bearer inf_test_key', 'content-type': 'application/json' };

async function api(path: string, init: RequestInit = {}, version?: '2') {
  const response = await fetch(`${emulator.origin}${path}`, {
    ...init,
    headers: { ...auth, ...(version ? { 'x-api-version': version } : {}), ...(init.headers ?? {}) },
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function upload(): Promise<string> {
  const created = await api('/files', {
    method: 'POST',
    body: JSON.stringify({ files: [{ uri: '', filename: 'a.png', content_type: 'image/png', size: 1 }] }),
  });
  const [file] = created.body.data as Array<{ uri: string; upload_url: string }>;
  await fetch(file?.upload_url ?? '', {
    method: 'PUT',
    body: await makeSampleImage('png', 12, 12),
    headers: { 'content-type': 'image/png' },
  });
  return file?.uri ?? '';
}

describe('inference.sh emulator', () => {
  it('wraps answers in the v1 envelope, or answers bare DTOs with X-API-Version: 2', async () => {
    emulator = await startInferenceShEmulator();
    const image = await upload();
    const v1 = await api('/apps/run', {
      method: 'POST',
      body: JSON.stringify({ app: 'bria/rmbg', input: { image } }),
    });
    expect(v1.body).toMatchObject({ success: true, status: 200, data: { app_id: 'bria/rmbg', status: 1 } });
    const v2 = await api(
      '/apps/run',
      { method: 'POST', body: JSON.stringify({ app: 'bria/rmbg', input: { image } }) },
      '2',
    );
    expect(v2.body).toMatchObject({ app_id: 'bria/rmbg', status: 1 });
    expect(v2.body).not.toHaveProperty('success');
  });

  it('answers errors as v1 envelopes or as problem+json', async () => {
    emulator = await startInferenceShEmulator();
    const v1 = await api('/apps/run', {
      method: 'POST',
      body: JSON.stringify({ app: 'nobody/nothing', input: {} }),
    });
    expect(v1).toMatchObject({
      status: 404,
      body: { success: false, status: 404, error: { code: 'not_found' } },
    });
    const v2 = await api(
      '/apps/run',
      { method: 'POST', body: JSON.stringify({ app: 'bria/rmbg', input: {} }) },
      '2',
    );
    expect(v2).toMatchObject({
      status: 400,
      type: 'application/problem+json',
      body: { type: 'https://api.inference.sh/errors/invalid_request', status: 400 },
    });
  });

  it('runs a task through the current statuses to 10, with 9 (uploading) just before', async () => {
    emulator = await startInferenceShEmulator();
    const run = await api('/apps/run', {
      method: 'POST',
      body: JSON.stringify({ app: 'bria/rmbg', input: { image: await upload() } }),
    });
    const id = String((run.body.data as { id: string }).id);
    await vi.waitFor(
      async () =>
        expect(((await api(`/tasks/${id}/status`)).body.data as { status: number }).status).toBe(10),
      { timeout: 5000 },
    );
    const task = (await api(`/tasks/${id}`)).body.data as {
      events: Array<{ status: number }>;
      output: { image: { uri: string } };
    };
    expect(task.events.map((event) => event.status)).toEqual([1, 2, 3, 4, 7, 9, 10]);
    expect((await fetch(task.output.image.uri)).headers.get('content-type')).toBe('image/png');
  });

  it('streams NDJSON: the task, partial updates naming their fields, heartbeats, and ends at a terminal status', async () => {
    emulator = await startInferenceShEmulator({ heartbeatMs: 5, processingMs: 80 });
    const run = await api('/apps/run', {
      method: 'POST',
      body: JSON.stringify({ app: 'bria/rmbg', input: { image: await upload() } }),
    });
    const id = String((run.body.data as { id: string }).id);
    const response = await fetch(`${emulator.origin}/tasks/${id}/stream`, {
      headers: { ...auth, accept: 'application/x-ndjson' },
    });
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ data: { id, app_id: 'bria/rmbg' } });
    expect(lines.some((line) => line.type === 'heartbeat')).toBe(true);
    const partial = lines.find((line) => Array.isArray(line.fields) && line.fields.includes('status'));
    expect(Object.keys(partial.data).sort()).toEqual(['id', ...partial.fields].sort());
    expect(lines.at(-1)).toMatchObject({ data: { status: 10 } });
  });

  it('refuses a flagged prompt as a failed task or as an HTTP 422', async () => {
    const prompt = `${Array.from({ length: 55 }, () => 'word').join(' ')} forbidden-content`;
    emulator = await startInferenceShEmulator();
    const image = await upload();
    const run = await api('/apps/run', {
      method: 'POST',
      body: JSON.stringify({ app: 'bria/replace-background', input: { image, prompt } }),
    });
    const id = String((run.body.data as { id: string }).id);
    await vi.waitFor(
      async () => expect(((await api(`/tasks/${id}`)).body.data as { status: number }).status).toBe(11),
      { timeout: 5000 },
    );
    expect(((await api(`/tasks/${id}`)).body.data as { error: string }).error).toMatch(
      /422 Unprocessable Entity[\s\S]*prompt_content_moderation/,
    );
    await emulator.close();
    emulator = await startInferenceShEmulator({ moderationForm: 'http' });
    const refused = await api('/apps/run', {
      method: 'POST',
      body: JSON.stringify({ app: 'bria/replace-background', input: { image: 'data:,', prompt } }),
    });
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'prompt_content_moderation' } } });
  });

  it('validates app inputs like the app schemas: image required, prompt or ref_image, 50-110 words', async () => {
    emulator = await startInferenceShEmulator();
    const run = (input: unknown) =>
      api('/apps/run', { method: 'POST', body: JSON.stringify({ app: 'bria/replace-background', input }) });
    expect((await run({ prompt: 'x' })).body).toMatchObject({
      error: { message: expect.stringContaining('input.image: image is required') },
    });
    expect((await run({ image: 'x' })).body).toMatchObject({
      error: { message: expect.stringContaining('either prompt or ref_image is required') },
    });
    expect((await run({ image: 'x', prompt: 'too short' })).body).toMatchObject({
      error: { message: expect.stringContaining('50-110 words (got 2)') },
    });
    expect((await run({ image: 'x', ref_image: 'y', mode: 'turbo' })).body).toMatchObject({
      error: { message: expect.stringContaining('mode must be one of') },
    });
  });

  it('cancels: cancelling (8) then cancelled (12); a finished task cannot be cancelled', async () => {
    emulator = await startInferenceShEmulator({ stepMs: 5_000 });
    const run = await api('/apps/run', {
      method: 'POST',
      body: JSON.stringify({ app: 'bria/rmbg', input: { image: await upload() } }),
    });
    const id = String((run.body.data as { id: string }).id);
    expect(
      ((await api(`/tasks/${id}/cancel`, { method: 'POST' })).body.data as { status: number }).status,
    ).toBe(8);
    await vi.waitFor(async () =>
      expect(((await api(`/tasks/${id}/status`)).body.data as { status: number }).status).toBe(12),
    );
    expect((await api(`/tasks/${id}/cancel`, { method: 'POST' })).status).toBe(400);
  });

  it('requires a bearer key', async () => {
    emulator = await startInferenceShEmulator();
    const response = await fetch(`${emulator.origin}/tasks/x`);
    expect(response.status).toBe(401);
  });
});
