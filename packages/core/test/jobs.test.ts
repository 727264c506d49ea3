import { makeVideoHeader } from '@backdrop/testkit';
import { describe, expect, it } from 'vitest';
import { createBackdrop, type JobHandle, type ProgressEvent } from '../src/index.js';
import { createFakeAdapter } from './support/fake-adapter.js';
import { fastTimings as fast, rejection } from './support/rejection.js';

const video = 'https://cdn.example.com/clip.mp4';

describe('provider jobs', () => {
  it('starts a job, saves its handle as JSON, and resumes it in another Backdrop', async () => {
    const adapter = createFakeAdapter({ uploads: true, steps: [{ state: 'running', percent: 40 }] });
    const first = createBackdrop({ providers: [adapter], ...fast });
    const job = await first.startRemoveVideoBackground({
      video: makeVideoHeader('webm'),
      background: 'green',
      container: 'mp4_h264',
    });
    const saved = JSON.stringify(job.handle);
    expect(JSON.parse(saved)).toEqual({
      provider: 'fake',
      operation: 'removeVideoBackground',
      model: 'fake-video',
      id: 'fake-job-1',
      data: { cursor: 0 },
    });
    expect(adapter.calls.start[0]).toMatchObject({
      background: { type: 'color', color: 'green' },
      container: 'mp4_h264',
      video: { kind: 'url' },
    });

    const second = createBackdrop({ providers: [adapter], ...fast });
    const resumed = second.resumeJob(JSON.parse(saved) as JobHandle);
    expect(await resumed.status()).toEqual({
      state: 'running',
      percent: 40,
      position: undefined,
      logs: [],
      error: undefined,
    });
    const events: ProgressEvent[] = [];
    const result = await resumed.wait({ onProgress: (event) => events.push(event) });
    expect(result).toMatchObject({ provider: 'fake', model: 'fake-video', requestId: 'fake-job-1' });
    expect(events.at(-1)).toEqual({ type: 'done', provider: 'fake' });
  });

  it('removeVideoBackground starts and waits in one call', async () => {
    const adapter = createFakeAdapter({ steps: [{ state: 'queued', position: 2 }, { state: 'running' }] });
    const result = await createBackdrop({ providers: [adapter], ...fast }).removeVideoBackground({
      video,
      keepAudio: false,
    });
    expect(result.outputs).toHaveLength(1);
    expect(adapter.calls.start[0]).toMatchObject({
      keepAudio: false,
      background: { type: 'transparent' },
      container: 'webm_vp9',
    });
  });

  it('cancels a job on request', async () => {
    const adapter = createFakeAdapter({ steps: [{ state: 'running' }, { state: 'running' }] });
    const backdrop = createBackdrop({ providers: [adapter], ...fast });
    const job = await backdrop.startRemoveVideoBackground({ video });
    await job.cancel();
    expect(adapter.calls.cancel.map((handle) => handle.id)).toEqual([job.handle.id]);
    expect((await job.status()).state).toBe('cancelled');
    const error = await rejection(backdrop.resumeJob(job.handle).wait());
    expect(error).toMatchObject({ code: 'aborted', requestId: job.handle.id });
  });

  it('a wait that times out cancels the provider job', async () => {
    const adapter = createFakeAdapter({
      steps: Array.from({ length: 1000 }, () => ({ state: 'running' as const })),
    });
    const job = await createBackdrop({ providers: [adapter], ...fast }).startRemoveVideoBackground({
      video,
    });
    const error = await rejection(job.wait({ timeoutMs: 50 }));
    expect(error).toMatchObject({ code: 'timeout', requestId: job.handle.id });
    expect(adapter.calls.cancel).toHaveLength(1);
  });

  it('starts image jobs with a webhook and returns at once, then resumes them', async () => {
    const adapter = createFakeAdapter({ steps: [{ state: 'running' }] });
    const backdrop = createBackdrop({ providers: [adapter], ...fast });
    const job = await backdrop.startReplaceBackground({
      image: video.replace('.mp4', '.png'),
      prompt: 'x',
      webhookUrl: 'https://hooks.example.com/done',
    });
    expect(adapter.calls.start[0]?.webhookUrl).toBe('https://hooks.example.com/done');
    expect(adapter.calls.status).toHaveLength(0);
    expect(job.handle.operation).toBe('replaceBackground');
    const result = await backdrop.resumeJob(job.handle).wait();
    expect(result.model).toBe('fake-replace');
    const removal = await backdrop.startRemoveBackground({ image: video.replace('.mp4', '.png') });
    expect(removal.handle.operation).toBe('removeBackground');
  });

  it('checks a saved handle before resuming it', () => {
    const backdrop = createBackdrop({ providers: [createFakeAdapter()] });
    expect(() =>
      backdrop.resumeJob({
        provider: 'fal',
        operation: 'removeVideoBackground',
        model: 'm',
        id: 'x',
      }),
    ).toThrow('handle.provider: "fal" is not configured; configured: fake');
    expect(() =>
      backdrop.resumeJob({
        provider: 'fake',
        operation: 'removeVideoBackground',
        model: 'm',
      } as JobHandle),
    ).toThrow('id: must be the job id');
  });

  it('says so when the provider cannot cancel', async () => {
    const adapter = createFakeAdapter({ withoutCancel: true, steps: [{ state: 'running' }] });
    const job = await createBackdrop({ providers: [adapter], ...fast }).startRemoveVideoBackground({
      video,
    });
    expect((await rejection(job.cancel())).message).toBe('fake cannot cancel removeVideoBackground jobs');
  });
});
