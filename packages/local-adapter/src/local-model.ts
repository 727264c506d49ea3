import { readFile } from 'node:fs/promises';
import { BackdropError, readEnvironmentVariable } from '@backdrop/core/provider';
import * as ort from 'onnxruntime-node';
import { readImglyModel } from './local-model-files.js';

/** Where the weights come from: an ONNX file, or the models inside @imgly/background-removal-data. */
export type ModelSource = { kind: 'file'; path: string } | { kind: 'imgly'; variant: 'small' | 'medium' };

export interface ModelOptions {
  /** An ISNet-compatible ONNX file (input `input` 1x3x1024x1024, output `output`); BACKDROP_LOCAL_MODEL too. */
  modelPath?: string | undefined;
  /** Which of @imgly/background-removal-data's models: `medium` (default, better edges) or `small`. */
  imglyModel?: 'small' | 'medium' | undefined;
}

export function modelSourceOf(options: ModelOptions): ModelSource {
  const path = options.modelPath ?? readEnvironmentVariable('BACKDROP_LOCAL_MODEL');
  return path ? { kind: 'file', path } : { kind: 'imgly', variant: options.imglyModel ?? 'medium' };
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** The model's session, loaded once per process and shared by every call. */
export function loadSession(source: ModelSource): Promise<ort.InferenceSession> {
  const key = source.kind === 'file' ? `file:${source.path}` : `imgly:${source.variant}`;
  let session = sessions.get(key);
  if (!session) {
    session = (async () => {
      const model =
        source.kind === 'file'
          ? await readFile(source.path).catch((error: unknown) => {
              throw new BackdropError({
                code: 'invalid_input',
                provider: 'local',
                field: 'modelPath',
                message: `modelPath: cannot read ${source.path}`,
                cause: error,
              });
            })
          : await readImglyModel(source.variant);
      // No CPU arena and no memory patterns: they hold on to peak allocations (2.3 GB against 1.2 GB
      // at 1024x1024 on these machines), for no speed worth having.
      return ort.InferenceSession.create(model, {
        graphOptimizationLevel: 'all',
        enableCpuMemArena: false,
        enableMemPattern: false,
      });
    })();
    // A failed load is not cached: a later call may find the weights installed.
    session.catch(() => sessions.delete(key));
    sessions.set(key, session);
  }
  return session;
}
