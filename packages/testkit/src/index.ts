export { chromiumPath, launchChromium } from './chromium.js';
export {
  type FalEmulator,
  type FalEmulatorOptions,
  type FalJob,
  type FalOutcome,
  falHosts,
  type RecordedFalRequest,
  startFalEmulator,
  type WebhookDelivery,
} from './fal/fal-emulator.js';
export { createFalWebhookKey, type FalWebhookKey, signFalWebhook } from './fal/fal-webhook-signer.js';
export { type Fault, FaultInjector, type FaultRule, respondWithFault } from './fault-injector.js';
export {
  type FaultProxy,
  type FaultProxyOptions,
  type ProxyFault,
  type ProxyFaultRule,
  startFaultProxy,
} from './fault-proxy.js';
export { type FixtureName, fixtureNames, fixturePath, readFixture } from './fixtures.js';
export { readPixel, removeBackground, replaceBackground } from './image-processing.js';
export {
  type InferenceShEmulator,
  type InferenceShEmulatorOptions,
  type InferenceTask,
  type RecordedInferenceRequest,
  startInferenceShEmulator,
  taskStatus,
} from './inferencesh/inferencesh-emulator.js';
export { type MediaServer, startMediaServer } from './media-server.js';
export { freePort, startOwnRedis } from './own-redis.js';
export { makeSampleImage, makeVideoHeader, type SampleImageFormat } from './sample-media.js';
export { serveSandboxedPlugin } from './sandboxed-plugin.js';
export { createScheduler } from './scheduler.js';
export {
  type FakeShop,
  type FakeShopCall,
  type FakeShopOptions,
  type SampleProductInput,
  startFakeShop,
} from './shopify/fake-shop.js';
export { seedSampleCatalogue } from './shopify/fake-shop-catalogue.js';
export { LeakyBucket, requestedQueryCost } from './shopify/fake-shop-cost.js';
export { adminSchema } from './shopify/fake-shop-schema.js';
export { captureRejection, eventually, runConcurrently } from './test-helpers.js';
export {
  makeSampleVideo,
  probeVideo,
  readVideoFrame,
  removeVideoBackground,
  type VideoBackgroundOptions,
  type VideoProbe,
  videoEncodingNames,
} from './video-processing.js';
