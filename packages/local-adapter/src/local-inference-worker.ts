import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A model loaded in a worker thread of its own, predicting on tensors sent to it. */
export interface InferenceWorker {
  /** The model's `output` for one `input` tensor (1x3xHxW, float32): the tensor's buffer is moved, not copied. */
  run(input: Float32Array, dimensions: readonly number[]): Promise<Float32Array>;
}

export interface InferenceWorkerOptions {
  /** The ONNX model's bytes: moved to the worker, not copied. */
  model: Uint8Array;
  /** onnxruntime-node's session options (plain data). */
  sessionOptions: Record<string, unknown>;
}

/**
 * The worker's code, as a script: onnxruntime-node runs a model synchronously on the thread that
 * calls it, so on the main thread every inference (a second and more) would block the event loop:
 * ffmpeg's pipes, sharp's results and a server's requests would all wait on it. Kept as source
 * text so that it runs the same from the built package and from its sources under test.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.runtimePath);
const session = ort.InferenceSession.create(workerData.model, workerData.sessionOptions);
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
    // Only the final mask is fetched: the model also offers side outputs, which would cost memory.
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
  const model = options.model;
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { runtimePath, model, sessionOptions: options.sessionOptions },
    transferList: [model.buffer as ArrayBuffer],
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
