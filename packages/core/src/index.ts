// @backdrop/core: the browser-safe entry. Node-only helpers live in @backdrop/core/node.

export {
  type Backdrop,
  type BackdropOptions,
  type BackdropRealtimeSession,
  createBackdrop,
  type ProviderSummary,
} from './create-backdrop.js';
export { isAllowedPrivate, isPrivateAddress, isPrivateHostName } from './download/address-policy.js';
export {
  type DownloadedFile,
  type DownloadOptions,
  type HostLookup,
  safeDownload,
} from './download/safe-download.js';
export {
  BackdropError,
  type BackdropErrorCode,
  type BackdropErrorOptions,
  backdropErrorCodes,
  type DeclineReason,
  isBackdropError,
  isRetryableCode,
  type ProviderDeclination,
} from './errors/backdrop-error.js';
export { toBackdropError } from './errors/normalize-error.js';
export { redactSecrets } from './errors/redact-secrets.js';
export { decodeDataUri, encodeDataUri } from './media/data-uri.js';
export { type LocalFileReader, type PreparedMedia, prepareMedia } from './media/prepare-media.js';
export { formatFromContentType, formatFromFileName } from './media/sniff-media.js';
export type { BackdropJob, JobStatus, JobWaitOptions } from './orchestration/backdrop-job.js';
export {
  defaultRetryOptions,
  type RetryConfiguration,
  type RetryOptions,
  type RetrySettings,
  type RetryStep,
  resolveRetrySettings,
  retryDelay,
  retrySteps,
  withRetries,
} from './orchestration/retry.js';
export { estimateCostUsd, findPrice, priceTable, type Usage } from './pricing/price-table.js';
export { frameContentType } from './realtime/realtime-frame.js';
export type { RealtimeSession, RealtimeSessionStats } from './realtime/realtime-session.js';
export type { BackdropOutput } from './results/backdrop-output.js';
export type { BackdropResult, ImageResult, VideoResult } from './results/results.js';
export type { RemoveBackgroundRequest, ReplaceBackgroundRequest } from './schemas/image-schemas.js';
export { parseProviderOptions } from './schemas/parse-provider-options.js';
export { rule as validationRule } from './schemas/rule.js';
export {
  type BackgroundInput,
  isBackgroundShorthand,
  type RealtimeVideoRequest,
  type RemoveVideoBackgroundRequest,
} from './schemas/video-schemas.js';
export type { BackdropAdapter, CallContext, JobOperation, UploadFileRequest } from './spec/adapter.js';
export type {
  RealtimeVideoCall,
  RemoveBackgroundCall,
  RemoveVideoBackgroundCall,
  ReplaceBackgroundCall,
  ResolvedBackground,
} from './spec/calls.js';
export type {
  BackgroundConstraints,
  ImageConstraints,
  NumberRange,
  OperationName,
  Price,
  PromptConstraints,
  ProviderCapabilities,
  RealtimeVideoVariant,
  RemoveBackgroundVariant,
  RemoveVideoBackgroundVariant,
  ReplaceBackgroundVariant,
  VideoConstraints,
} from './spec/capabilities.js';
export type {
  AdapterOutput,
  AdapterOutputFile,
  JobHandle,
  JobStart,
  JobUpdate,
  JsonValue,
} from './spec/job.js';
export {
  type AdapterMedia,
  contentTypeOfFormat,
  fileExtensionOfFormat,
  type ImageFormat,
  imageFormats,
  type MediaFacts,
  type MediaFormat,
  type MediaInput,
  type VideoFormat,
  videoFormats,
} from './spec/media.js';
export {
  type BackgroundType,
  backgroundTypes,
  type HexColor,
  type ImageOutputFormat,
  imageOutputFormats,
  maximumSeed,
  type NamedColor,
  namedColors,
  type QualityMode,
  qualityModes,
  titleCaseColor,
  type VideoContainer,
  videoContainers,
} from './spec/options.js';
export type { FrameProgress, ProgressEvent, ProgressListener, WorkProgress } from './spec/progress.js';
export type {
  RealtimeConnection,
  RealtimeConnectionEvents,
  RealtimeFrame,
  RealtimeFrameInput,
} from './spec/realtime.js';
export type { BackdropWarning } from './spec/warning.js';
export { countWords } from './text/count-words.js';
export { describeValue } from './text/describe-value.js';
