export { createFal, type FalOptions } from './fal-adapter.js';
export { falCapabilities } from './fal-capabilities.js';
export { type FalEndpointId, falEndpointIds } from './fal-endpoints.js';
export type { FalProviderOptions } from './fal-provider-options.js';
export {
  type CreateFalRealtimeTokenOptions,
  createFalRealtimeToken,
  createFalRealtimeTokenRoute,
  type FalRealtimeTokenRouteOptions,
} from './fal-realtime-token.js';
export {
  type FalWebhookEvent,
  type FalWebhookInput,
  falJwksUrl,
  type VerifyFalWebhookOptions,
  verifyFalWebhook,
} from './fal-webhook.js';
