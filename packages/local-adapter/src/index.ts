export { createLocal, type LocalOptions } from './local-adapter.js';
export type { ModelOptions } from './local-model.js';
export { hasLocalModel, modelInstallHint } from './local-model-files.js';
