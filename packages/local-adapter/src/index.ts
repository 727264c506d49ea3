export { createLocal, type LocalOptions } from './local-adapter.js';
export type { ModelOptions } from './local-model.js';
