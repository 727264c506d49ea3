export { createInferenceSh, type InferenceShOptions } from './inferencesh-adapter.js';
export { inferenceShApps, inferenceShCapabilities } from './inferencesh-capabilities.js';
export type { InferenceShProviderOptions } from './inferencesh-provider-options.js';
