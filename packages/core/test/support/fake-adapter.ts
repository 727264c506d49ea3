import {
  type AdapterOutput,
  type BackdropAdapter,
  BackdropError,
  type CallContext,
  type JobHandle,
  type JobOperation,
  type JobStart,
  type JobUpdate,
  type ProviderCapabilities,
  type RealtimeConnection,
  type RealtimeConnectionEvents,
  type RealtimeFrameInput,
  type ResolvedBackground,
} from '../../src/index.js';

type JobOperationName = 'removeBackground' | 'replaceBackground' | 'removeVideoBackground';

export interface FakeAdapterOptions {
  provider?: string;
  displayName?: string;
  capabilities?: ProviderCapabilities;
  /** Has `uploadFile` (bytes are uploaded and the job receives URLs). */
  uploads?: boolean;
  /** Updates the job goes through, one per status call, before it ends. */
  steps?: JobUpdate[];
  /** How the job ends. Default: completed with one output echoing the input. */
  outcome?: (call: Record<string, unknown>) => JobUpdate;
  /** Errors thrown by the first calls of each kind, in order. */
  failures?: {
    start?: BackdropError[];
    status?: BackdropError[];
    upload?: BackdropError[];
    watch?: BackdropError[];
  };
  /** Updates to stream from `watch`; omit for no stream. `endEarly` ends the stream before the end. */
  stream?: { updates: JobUpdate[]; endEarly?: boolean };
  /** Answers from start directly (a synchronous provider). */
  synchronous?: boolean;
  /** No cancel support. */
  withoutCancel?: boolean;
  /** The start request takes this long to answer (it is in flight meanwhile). */
  startDelayMs?: number;
}

export interface FakeCalls {
  start: Array<Record<string, unknown>>;
  status: JobHandle[];
  cancel: JobHandle[];
  upload: Array<{ fileName: string; contentType: string; size: number }>;
  watch: JobHandle[];
}

export interface FakeAdapter extends BackdropAdapter {
  readonly calls: FakeCalls;
}

const allImageFormats = ['png', 'jpeg', 'webp', 'gif', 'avif'] as const;

const generousCapabilities: ProviderCapabilities = {
  removeBackground: [{ model: 'fake-remove', image: { formats: allImageFormats } }],
  replaceBackground: [
    {
      model: 'fake-replace',
      image: { formats: allImageFormats },
      prompt: {},
      referenceImage: { formats: allImageFormats },
      promptWithReference: true,
      negativePrompt: true,
      resultCount: { min: 1, max: 4 },
      seed: { min: 0, max: 2147483647 },
      qualityModes: ['fast', 'base', 'high_control'],
      refinePrompt: true,
      preserveOriginalSize: true,
      moderation: true,
    },
  ],
  removeVideoBackground: [
    {
      model: 'fake-video',
      video: { formats: ['mp4', 'mov', 'webm', 'mkv'] },
      background: { types: ['transparent', 'color'], colors: ['black', 'white', 'green'] },
      containers: ['mp4_h264', 'webm_vp9', 'mov_proresks'],
      alphaContainers: ['webm_vp9', 'mov_proresks'],
      audio: true,
    },
  ],
};

function pixelDataUri(): string {
  // A 1x1 transparent PNG.
  return 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
}

export function defaultOutput(call: Record<string, unknown>): AdapterOutput {
  const count = typeof call.count === 'number' ? call.count : 1;
  return {
    files: Array.from({ length: count }, () => ({
      url: pixelDataUri(),
      contentType: 'image/png',
      width: 1,
      height: 1,
    })),
    seed: typeof call.seed === 'number' ? call.seed : 42,
    requestId: undefined,
  };
}

/** An in-memory provider with scripted job progress, fault injection and call recording. */
export function createFakeAdapter(options: FakeAdapterOptions = {}): FakeAdapter {
  const provider = options.provider ?? 'fake';
  const calls: FakeCalls = { start: [], status: [], cancel: [], upload: [], watch: [] };
  const failures = {
    start: [...(options.failures?.start ?? [])],
    status: [...(options.failures?.status ?? [])],
    upload: [...(options.failures?.upload ?? [])],
    watch: [...(options.failures?.watch ?? [])],
  };
  const jobs = new Map<string, { call: Record<string, unknown>; step: number; cancelled: boolean }>();
  let nextId = 1;

  const outcome = (call: Record<string, unknown>): JobUpdate =>
    options.outcome?.(call) ?? { state: 'completed', output: defaultOutput(call) };

  const makeOperation = (operation: JobOperationName, model: string): JobOperation<unknown> => ({
    async start(call, context: CallContext): Promise<JobStart> {
      calls.start.push(call as Record<string, unknown>);
      const failure = failures.start.shift();
      if (failure) throw failure;
      if (options.startDelayMs) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.startDelayMs);
          context.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      if (context.signal.aborted) throw context.signal.reason;
      const id = `${provider}-job-${nextId++}`;
      const record = call as Record<string, unknown>;
      jobs.set(id, { call: record, step: 0, cancelled: false });
      const handle: JobHandle = {
        provider,
        operation,
        model: String(record.model ?? model),
        id,
        data: { cursor: 0 },
      };
      if (options.synchronous) return { handle, update: outcome(record) };
      return { handle, update: { state: 'queued', position: 3 } };
    },
    async status(handle): Promise<JobUpdate> {
      calls.status.push(handle);
      const failure = failures.status.shift();
      if (failure) throw failure;
      const job = jobs.get(handle.id);
      if (!job)
        throw new BackdropError({ code: 'provider_rejected', provider, message: `no job ${handle.id}` });
      if (job.cancelled) return { state: 'cancelled' };
      const steps = options.steps ?? [];
      const update = steps[job.step];
      job.step++;
      return update ?? outcome(job.call);
    },
    ...(options.stream
      ? {
          async *watch(handle: JobHandle): AsyncIterable<JobUpdate> {
            calls.watch.push(handle);
            const failure = failures.watch.shift();
            for (const update of options.stream?.updates ?? []) {
              yield update;
            }
            if (failure) throw failure;
            if (options.stream?.endEarly) return;
            const job = jobs.get(handle.id);
            if (job) yield outcome(job.call);
          },
        }
      : {}),
    ...(options.withoutCancel
      ? {}
      : {
          async cancel(handle: JobHandle) {
            calls.cancel.push(handle);
            const job = jobs.get(handle.id);
            if (job) job.cancelled = true;
          },
        }),
  });

  const capabilities = options.capabilities ?? generousCapabilities;
  const adapter: FakeAdapter = {
    specificationVersion: 'v1',
    provider,
    displayName: options.displayName ?? provider,
    capabilities,
    calls,
    removeBackground: capabilities.removeBackground
      ? makeOperation('removeBackground', 'fake-remove')
      : undefined,
    replaceBackground: capabilities.replaceBackground
      ? makeOperation('replaceBackground', 'fake-replace')
      : undefined,
    removeVideoBackground: capabilities.removeVideoBackground
      ? makeOperation('removeVideoBackground', 'fake-video')
      : undefined,
    ...(options.uploads
      ? {
          async uploadFile(
            file: { data: Blob; fileName: string; contentType: string },
            context: CallContext,
          ) {
            calls.upload.push({
              fileName: file.fileName,
              contentType: file.contentType,
              size: file.data.size,
            });
            const failure = failures.upload.shift();
            if (failure) throw failure;
            context.onUploadProgress?.(Math.floor(file.data.size / 2), file.data.size);
            return { url: `https://uploads.fake.test/${file.fileName}` };
          },
        }
      : {}),
  };
  return adapter;
}

/** A live connection whose answers the test controls. */
export interface FakeRealtime {
  adapter: BackdropAdapter;
  connections: Array<{
    sent: Array<{ frame: RealtimeFrameInput; background: ResolvedBackground }>;
    events: RealtimeConnectionEvents;
    closed: boolean;
  }>;
  /** Answer the oldest unanswered frame of the latest connection. */
  answer(): void;
  /** Drop the latest connection unexpectedly, for this reason when given. */
  drop(cause?: BackdropError): void;
}

export function createFakeRealtime(capabilities?: ProviderCapabilities): FakeRealtime {
  const connections: FakeRealtime['connections'] = [];
  const answered = new WeakMap<object, number>();
  const adapter: BackdropAdapter = {
    specificationVersion: 'v1',
    provider: 'fake-live',
    displayName: 'fake live',
    capabilities: capabilities ?? {
      connectRealtimeVideo: [
        {
          model: 'fake-realtime',
          background: {
            types: ['color', 'blur'],
            colors: ['black', 'white'],
            blurStrength: { min: 0, max: 100 },
          },
        },
      ],
    },
    async connectRealtimeVideo(_call, events): Promise<RealtimeConnection> {
      const record = { sent: [] as FakeRealtime['connections'][number]['sent'], events, closed: false };
      connections.push(record);
      return {
        send(frame, background) {
          record.sent.push({ frame, background });
        },
        async close() {
          record.closed = true;
          events.onClose({ expected: true, code: 1000 });
        },
      };
    },
  };
  return {
    adapter,
    connections,
    answer() {
      const connection = connections.at(-1);
      if (!connection) throw new Error('no connection');
      const index = answered.get(connection) ?? 0;
      const sent = connection.sent[index];
      if (!sent) throw new Error('nothing to answer');
      answered.set(connection, index + 1);
      connection.events.onFrame({ data: new Uint8Array([index]), contentType: 'image/jpeg' });
    },
    drop(cause) {
      const connection = connections.at(-1);
      if (!connection) throw new Error('no connection');
      connection.closed = true;
      connection.events.onClose({ expected: false, code: 1006, cause });
    },
  };
}
