// @backdrop/core/provider: what adapters need and applications do not, as the AI SDK keeps
// provider-utils apart: the spec (the adapter contract), the one mapping from HTTP answers to
// errors, Retry-After, keys from the environment, the default fetch, option parsing, safe
// downloads and the Bria mappings both hosted providers share. Browser-safe, like the main entry.

export { type DownloadedFile, type DownloadOptions, safeDownload } from './download/safe-download.js';
export {
  BackdropError,
  type BackdropErrorCode,
  type BackdropErrorOptions,
  isBackdropError,
} from './errors/backdrop-error.js';
export { toBackdropError } from './errors/normalize-error.js';
export { redactSecrets } from './errors/redact-secrets.js';
export { type BriaVideoInput, toBriaVideoInput } from './provider/bria-video-input.js';
export { isDefaultFetch, resolveFetch } from './provider/default-fetch.js';
export { loadApiKey, readEnvironmentVariable } from './provider/environment.js';
export {
  codeForHttpStatus,
  errorFromHttpStatus,
  type HttpFailure,
  isNotProcessedStatus,
} from './provider/http-status-error.js';
export { type ReadLinesOptions, readLines } from './provider/read-lines.js';
export { parseRetryAfter } from './provider/retry-after.js';
export { issueMessage as validationIssueMessage } from './schemas/issue-message.js';
export { parseProviderOptions } from './schemas/parse-provider-options.js';
export { rule as validationRule } from './schemas/rule.js';
export type { BackdropAdapter, CallContext, JobOperation, UploadFileRequest } from './spec/adapter.js';
export type {
  RealtimeVideoCall,
  RemoveBackgroundCall,
  RemoveVideoBackgroundCall,
  ReplaceBackgroundCall,
  ResolvedBackground,
} from './spec/calls.js';
export type {
  OperationName,
  Price,
  ProviderCapabilities,
  RealtimeVideoVariant,
  RemoveBackgroundVariant,
  RemoveVideoBackgroundVariant,
  ReplaceBackgroundVariant,
} from './spec/capabilities.js';
export type {
  AdapterOutput,
  AdapterOutputFile,
  JobHandle,
  JobStart,
  JobUpdate,
  JsonValue,
} from './spec/job.js';
export type { AdapterMedia, MediaFacts } from './spec/media.js';
export {
  type HexColor,
  type ImageOutputFormat,
  imageOutputFormats,
  type NamedColor,
  namedColors,
  titleCaseColor,
  type VideoContainer,
} from './spec/options.js';
export type { FrameProgress, WorkProgress } from './spec/progress.js';
export type {
  RealtimeConnection,
  RealtimeConnectionEvents,
  RealtimeFrame,
  RealtimeFrameInput,
} from './spec/realtime.js';
export type { BackdropWarning } from './spec/warning.js';
export { countWords } from './text/count-words.js';
