import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A model loaded in a worker thread of its own, predicting on tensors sent to it. */
export interface InferenceWorker {
  /** The model's `output` for one `input` tensor (1x3xHxW, float32): the tensor's buffer is moved, not copied. */
  run(input: Float32Array, dimensions: readonly number[]): Promise<Float32Array>;
}

export interface InferenceWorkerOptions {
  /**
   * The ONNX model: a file's path (onnxruntime reads it itself, about 250 MB less peak memory
   * than parsing a copy held in memory), or its bytes, moved to the worker, not copied.
   */
  model: Uint8Array | string;
  /** onnxruntime-node's session options (plain data). */
  sessionOptions: Record<string, unknown>;
  /**
   * Where to keep the model as onnxruntime optimized it (with a model given as a path only),
   * ending in `-ort<version>.onnx` here. Graph optimization rewrites the whole model at every
   * load (half a second and about 250 MB of peak memory); the saved graph loads with it turned
   * off. It is specific to the CPU it was made on (see local-model.ts) and the onnxruntime version.
   */
  optimizedPrefix?: string | undefined;
}

/**
 * The worker's code, as a script: onnxruntime-node runs a model synchronously on the thread that
 * calls it, so on the main thread every inference (a second and more) would block the event loop:
 * ffmpeg's pipes, sharp's results and a server's requests would all wait on it. Kept as source
 * text so that it runs the same from the built package and from its sources under test.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { existsSync, renameSync, rmSync } = require('node:fs');
const ort = require(workerData.runtimePath);
async function load() {
  const { model, sessionOptions, optimizedPrefix } = workerData;
  if (typeof model !== 'string' || !optimizedPrefix) return ort.InferenceSession.create(model, sessionOptions);
  const optimized = optimizedPrefix + '-ort' + ort.env.versions.node + '.onnx';
  if (existsSync(optimized)) {
    try {
      return await ort.InferenceSession.create(optimized, { ...sessionOptions, graphOptimizationLevel: 'disabled' });
    } catch {
      // A file another version or machine left, or damaged: optimized again below.
    }
  }
  // Written beside and renamed once the session loaded: no process ever reads half a file.
  const partial = optimized + '.' + process.pid + '.partial';
  try {
    // Level 3 (errors): onnxruntime warns on every save that the file is hardware-specific, which it is keyed by.
    const saving = { ...sessionOptions, optimizedModelFilePath: partial, logSeverityLevel: 3 };
    const session = await ort.InferenceSession.create(model, saving);
    try { renameSync(partial, optimized); } catch {}
    return session;
  } catch {
    // A folder that cannot be written: the model still loads, optimized in memory only.
    try { rmSync(partial, { force: true }); } catch {}
    return ort.InferenceSession.create(model, sessionOptions);
  }
}
const session = load();
// Once loaded, the session holds its own copy of the weights: the bytes received can go.
session.then(
  () => {
    workerData.model = undefined;
    parentPort.postMessage({ loaded: true });
  },
  (error) => parentPort.postMessage({ loadError: String((error && error.message) || error) }),
);
parentPort.on('message', async ({ id, input, dimensions }) => {
  try {
    const loaded = await session;
    // Only the final mask is fetched: a model file may offer side outputs too (converted models
    // keep only this one, see local-model-conversion.ts).
    const results = await loaded.run({ input: new ort.Tensor('float32', input, dimensions) }, ['output']);
    const output = results.output ?? Object.values(results)[0];
    parentPort.postMessage({ id, output: output.data });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

/**
 * Starts a worker thread holding one model session, once the model is loaded there (a model
 * onnxruntime cannot load rejects, and the worker is stopped). The worker keeps the process
 * alive only while something is pending, so an idle engine never holds a CLI run open.
 */
export function createInferenceWorker(options: InferenceWorkerOptions): Promise<InferenceWorker> {
  const runtimePath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const { model, sessionOptions, optimizedPrefix } = options;
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { runtimePath, model, sessionOptions, optimizedPrefix },
    transferList: typeof model === 'string' ? [] : [model.buffer as ArrayBuffer],
  });
  const pending = new Map<
    number,
    { resolve: (output: Float32Array) => void; reject: (error: Error) => void }
  >();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure = error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
    worker.unref();
  };
  let markLoaded: (loaded: InferenceWorker) => void = () => undefined;
  let markFailed: (error: Error) => void = () => undefined;
  const loaded = new Promise<InferenceWorker>((resolve, reject) => {
    markLoaded = resolve;
    markFailed = reject;
  });
  worker.on(
    'message',
    (message: { id?: number; output?: Float32Array; error?: string; loaded?: true; loadError?: string }) => {
      if (message.loaded) {
        worker.unref();
        return markLoaded(inference);
      }
      if (message.loadError !== undefined) {
        markFailed(new Error(message.loadError));
        void worker.terminate();
        return;
      }
      if (message.id === undefined) return;
      const request = pending.get(message.id);
      pending.delete(message.id);
      if (pending.size === 0) worker.unref();
      if (message.error !== undefined) request?.reject(new Error(message.error));
      else if (message.output) request?.resolve(message.output);
    },
  );
  const fail = (error: Error) => {
    markFailed(error);
    failAll(error);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the inference worker stopped (exit code ${code})`)));
  const inference: InferenceWorker = {
    run(input, dimensions) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, input, dimensions }, [input.buffer as ArrayBuffer]);
      });
    },
  };
  return loaded;
}
