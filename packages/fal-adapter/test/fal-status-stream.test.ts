import { makeSampleImage } from '@backdrop/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type FalHarness, startFalHarness } from './support/fal-setup.js';

let harness: FalHarness;
afterEach(() => harness?.emulator.close());

const submits = () => harness.apiCalls().filter((call) => call.startsWith('POST queue.fal.run'));
const polls = () => harness.apiCalls().filter((call) => call.endsWith('/status'));
const streams = () => harness.apiCalls().filter((call) => call.endsWith('/status/stream'));

describe('fal: following a queued job', () => {
  it('follows it over the status stream, with its logs, and never polls', async () => {
    // Polls a minute apart: only the stream can bring the end in time.
    harness = await startFalHarness({ backdrop: { pollIntervalMs: 60_000 } });
    const logs: string[] = [];
    const result = await harness.backdrop.removeBackground({
      image: await makeSampleImage('png', 12, 12),
      onProgress: (event) => {
        if (event.type === 'running') logs.push(...event.logs);
      },
    });
    expect(result.outputs).toHaveLength(1);
    expect(streams()).toHaveLength(1);
    expect(polls()).toEqual([]);
    expect(logs).toEqual(['Request started', 'Removing background']);
    const stream = harness.emulator.requests.find((request) => request.path.endsWith('/status/stream'));
    expect(stream?.headers.accept).toBe('text/event-stream');
    expect(stream?.search).toBe('?logs=1');
  });

  it('polls when the stream drops mid-way, and finishes without submitting again', async () => {
    harness = await startFalHarness({ emulator: { queueMs: 1500 } });
    // The stream answers, sends the queued status, then its connection is cut.
    harness.emulator.faults.add({ operation: 'stream', fault: { type: 'drop-mid-stream', afterMs: 20 } });
    const result = await harness.backdrop.removeBackground({ image: await makeSampleImage('png', 12, 12) });
    expect(result.outputs).toHaveLength(1);
    expect(harness.emulator.faults.injected).toEqual([{ operation: 'stream', fault: 'drop-mid-stream' }]);
    expect(polls().length).toBeGreaterThan(0);
    expect(submits()).toHaveLength(1);
    expect(harness.emulator.jobs.size).toBe(1);
  });

  it.each([
    ['refused (405)', { type: 'status', status: 405 }],
    ['unavailable (503)', { type: 'status', status: 503 }],
    ['cut before answering', { type: 'drop' }],
  ] as const)('polls when the stream is %s, and finishes without submitting again', async (_label, fault) => {
    harness = await startFalHarness();
    harness.emulator.faults.add({ operation: 'stream', fault });
    const result = await harness.backdrop.removeBackground({ image: await makeSampleImage('png', 12, 12) });
    expect(result.outputs).toHaveLength(1);
    expect(polls().length).toBeGreaterThan(0);
    expect(submits()).toHaveLength(1);
  });

  it('reads the result again by polling when reading it after the stream fails, without submitting again', async () => {
    harness = await startFalHarness();
    harness.emulator.faults.add({ operation: 'result', fault: { type: 'drop' } });
    const result = await harness.backdrop.removeBackground({ image: await makeSampleImage('png', 12, 12) });
    expect(result.outputs).toHaveLength(1);
    expect(streams()).toHaveLength(1);
    expect(submits()).toHaveLength(1);
  });
});
