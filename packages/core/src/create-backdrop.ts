import * as z from 'zod/mini';
import type { HostLookup } from './download/safe-download.js';
import { BackdropError } from './errors/backdrop-error.js';
import { encodeDataUri } from './media/data-uri.js';
import { type LocalFileReader, type PreparedMedia, prepareMedia } from './media/prepare-media.js';
import { type BackdropJob, createBackdropJob } from './orchestration/backdrop-job.js';
import { createCallContext } from './orchestration/call-context.js';
import { createCallSignal } from './orchestration/call-signal.js';
import { createJobSlots, type JobSlots } from './orchestration/job-slots.js';
import type { OperationRuntime } from './orchestration/operation-runtime.js';
import { type RetryConfiguration, resolveRetrySettings } from './orchestration/retry.js';
import {
  type JobOperationName,
  type OperationPlan,
  runOperation,
  startOperation,
} from './orchestration/run-operation.js';
import { estimateCostUsd, findPrice } from './pricing/price-table.js';
import { resolveFetch } from './provider/default-fetch.js';
import { openRealtimeSession, type RealtimeSession } from './realtime/realtime-session.js';
import type { ImageResult, VideoResult } from './results/results.js';
import type { PreparedBackground, RequestProfile } from './routing/request-profile.js';
import { type RouteCandidate, routeRequest } from './routing/route-request.js';
import {
  type RemoveBackgroundRequest,
  type ReplaceBackgroundRequest,
  removeBackgroundSchema,
  replaceBackgroundSchema,
} from './schemas/image-schemas.js';
import { jobHandleSchema } from './schemas/job-handle-schema.js';
import { parseRequest } from './schemas/parse-request.js';
import {
  type BackgroundInput,
  backgroundSchema,
  type ParsedBackground,
  type RealtimeVideoRequest,
  type RemoveVideoBackgroundRequest,
  realtimeVideoSchema,
  removeVideoBackgroundSchema,
} from './schemas/video-schemas.js';
import type { BackdropAdapter } from './spec/adapter.js';
import type { ResolvedBackground } from './spec/calls.js';
import type { ProviderCapabilities } from './spec/capabilities.js';
import type { JobHandle } from './spec/job.js';
import type { AdapterMedia, MediaInput } from './spec/media.js';

export interface BackdropOptions {
  /** The configured providers, in order of preference. */
  providers: readonly BackdropAdapter[];
  /**
   * Retries with exponential backoff, jitter and Retry-After: shared settings, and per step
   * (`upload`, `start`, `status`, `download`, `cancel`) overrides. Defaults: 2 retries from 500 ms
   * (status 5, download 4). A start is resent only when the provider surely did not take it.
   */
  retry?: RetryConfiguration | undefined;
  /**
   * Resend a job's start even when its answer was lost after it was sent (a reset connection,
   * a cut body, a timeout, a 500). Off by default: the first may have started a paid job.
   */
  resendUnconfirmedStart?: boolean | undefined;
  /**
   * Loopback, private or link-local hosts, addresses or CIDR ranges that downloads (outputs and
   * input URLs an adapter fetches) may reach; every other private address is refused.
   */
  allowPrivateAddresses?: readonly string[] | undefined;
  /** Default timeout of image operations and single job calls, in ms (10 minutes). */
  timeoutMs?: number | undefined;
  /** Default time to wait for a video job, in ms (1 hour). */
  videoTimeoutMs?: number | undefined;
  /**
   * A fixed interval between status calls for jobs followed without a stream, in ms. By default
   * polling starts at 20 ms and backs off by a quarter each time up to 500 ms.
   */
  pollIntervalMs?: number | undefined;
  /**
   * At most this many provider jobs in flight at once for calls that wait for their result
   * (`removeBackground`, `replaceBackground`, `removeVideoBackground`): a call past it uploads
   * its media, then waits for a job to end before starting its own. No limit by default.
   */
  maxConcurrentJobs?: number | undefined;
  /** Fall back to the next capable provider on retryable failures (off by default). */
  fallback?: boolean | undefined;
  /** The fetch every adapter call and download uses (an adapter's own `fetch` option wins). */
  fetch?: typeof fetch | undefined;
  /** The largest output to download, in bytes (512 MB). */
  maxDownloadBytes?: number | undefined;
  /** Reads file-path inputs; `@backdrop/core/node` sets it. */
  readLocalFile?: LocalFileReader | undefined;
  /** Resolves host names so downloads refuse redirects to private addresses; set by `/node`. */
  lookupHost?: HostLookup | undefined;
}

export interface ProviderSummary {
  provider: string;
  displayName: string;
  capabilities: ProviderCapabilities;
}

/** Which provider and model would serve a request, and what it would cost; nothing is sent. */
export interface OperationEstimate {
  provider: string;
  displayName: string;
  model: string;
  /** How many images the call would make. */
  images: number;
  /** Undefined when the provider's price is not known, never a guess. */
  estimatedCostUsd: number | undefined;
}

export interface Backdrop {
  readonly providers: readonly ProviderSummary[];
  /**
   * Validates and routes a request exactly as `removeBackground` would, without uploading or
   * sending anything: the same errors, before any cost. For showing a price before a run.
   */
  estimateRemoveBackground(request: RemoveBackgroundRequest): Promise<OperationEstimate>;
  estimateReplaceBackground(request: ReplaceBackgroundRequest): Promise<OperationEstimate>;
  removeBackground(request: RemoveBackgroundRequest): Promise<ImageResult>;
  replaceBackground(request: ReplaceBackgroundRequest): Promise<ImageResult>;
  /** Starts a video job and waits for it. */
  removeVideoBackground(request: RemoveVideoBackgroundRequest): Promise<VideoResult>;
  /** Starts a job and returns at once (with a webhook URL, the provider reports the end there). */
  startRemoveBackground(request: RemoveBackgroundRequest): Promise<BackdropJob>;
  startReplaceBackground(request: ReplaceBackgroundRequest): Promise<BackdropJob>;
  startRemoveVideoBackground(request: RemoveVideoBackgroundRequest): Promise<BackdropJob>;
  /** Picks up a job from a saved handle (`job.handle`), in this process or another. */
  resumeJob(handle: JobHandle): BackdropJob;
  connectRealtimeVideo(request?: RealtimeVideoRequest): Promise<BackdropRealtimeSession>;
}

/** A live session whose background can be changed with the same inputs as at connect time. */
export interface BackdropRealtimeSession extends Omit<RealtimeSession, 'setBackground'> {
  setBackground(background: BackgroundInput): Promise<void>;
}

/** What every adapter call carries: the chosen variant, the caller's options for it, a webhook. */
function callBase(
  candidate: RouteCandidate,
  parsed: { providerOptions?: Record<string, unknown> | undefined; webhookUrl?: string | undefined },
) {
  return {
    model: candidate.variant.model,
    providerOptions: parsed.providerOptions?.[candidate.adapter.provider],
    webhookUrl: parsed.webhookUrl,
  };
}

const setBackgroundSchema = z.strictObject({ background: backgroundSchema });

function checkedPollInterval(pollIntervalMs: unknown): number | undefined {
  if (pollIntervalMs === undefined) return undefined;
  if (typeof pollIntervalMs !== 'number' || !Number.isFinite(pollIntervalMs) || pollIntervalMs <= 0) {
    throw new BackdropError({
      code: 'invalid_input',
      field: 'pollIntervalMs',
      message: `pollIntervalMs: must be a positive number of milliseconds; got ${typeof pollIntervalMs === 'number' ? pollIntervalMs : typeof pollIntervalMs}`,
    });
  }
  return pollIntervalMs;
}

/** The limit on jobs in flight, checked; none when the caller set none. */
function jobSlotsFor(maxConcurrentJobs: unknown): JobSlots | undefined {
  if (maxConcurrentJobs === undefined) return undefined;
  if (
    typeof maxConcurrentJobs !== 'number' ||
    !Number.isInteger(maxConcurrentJobs) ||
    maxConcurrentJobs < 1
  ) {
    throw new BackdropError({
      code: 'invalid_input',
      field: 'maxConcurrentJobs',
      message: `maxConcurrentJobs: must be a whole number from 1; got ${typeof maxConcurrentJobs === 'number' ? maxConcurrentJobs : typeof maxConcurrentJobs}`,
    });
  }
  return createJobSlots(maxConcurrentJobs);
}

function createRuntime(options: BackdropOptions): OperationRuntime {
  if (!Array.isArray(options.providers) || options.providers.length === 0) {
    throw new BackdropError({
      code: 'invalid_input',
      field: 'providers',
      message:
        'providers: at least one provider adapter is required (createFal, createInferenceSh, createLocal)',
    });
  }
  const ids = options.providers.map((adapter) => adapter.provider);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) {
    throw new BackdropError({
      code: 'invalid_input',
      field: 'providers',
      message: `providers: ${duplicate} is configured twice`,
    });
  }
  return {
    adapters: options.providers,
    retry: resolveRetrySettings(options.retry),
    resendUnconfirmedStart: options.resendUnconfirmedStart ?? false,
    allowPrivateAddresses: options.allowPrivateAddresses,
    pollIntervalMs: checkedPollInterval(options.pollIntervalMs),
    jobSlots: jobSlotsFor(options.maxConcurrentJobs),
    imageTimeoutMs: options.timeoutMs ?? 600_000,
    videoTimeoutMs: options.videoTimeoutMs ?? 3_600_000,
    fallback: options.fallback ?? false,
    // Called unbound, so that a browser's fetch never runs with the context as its `this`.
    fetch: options.fetch ? (input, init) => resolveFetch(options.fetch)(input, init) : resolveFetch(),
    maxDownloadBytes: options.maxDownloadBytes,
    readLocalFile: options.readLocalFile,
    lookupHost: options.lookupHost,
  };
}

/** Creates a Backdrop client over the given providers. */
export function createBackdrop(options: BackdropOptions): Backdrop {
  const runtime = createRuntime(options);
  const prepare = (input: MediaInput, field: string, kind: 'image' | 'video') =>
    prepareMedia(input, { field, kind, readLocalFile: runtime.readLocalFile });

  async function prepareBackground(
    background: ParsedBackground,
    field = 'background',
  ): Promise<PreparedBackground> {
    if (background.type !== 'image') return background as PreparedBackground;
    return { type: 'image', image: await prepare(background.image, `${field}.image`, 'image') };
  }

  async function resolveBackground(
    background: PreparedBackground,
    handOver: (media: PreparedMedia, field: string) => Promise<AdapterMedia>,
  ): Promise<ResolvedBackground> {
    if (background.type !== 'image') return background;
    return { type: 'image', image: await handOver(background.image, 'background.image') };
  }

  async function removePlan(request: RemoveBackgroundRequest): Promise<OperationPlan<'removeBackground'>> {
    const parsed = parseRequest(removeBackgroundSchema, request, 'removeBackground');
    const image = await prepare(parsed.image, 'image', 'image');
    return {
      operation: 'removeBackground',
      profile: { operation: 'removeBackground', image, outputFormat: parsed.outputFormat },
      options: parsed,
      buildCall: async (candidate, handOver) => ({
        ...callBase(candidate, parsed),
        image: await handOver(image, 'image'),
        outputFormat: parsed.outputFormat,
      }),
    };
  }

  async function replacePlan(request: ReplaceBackgroundRequest): Promise<OperationPlan<'replaceBackground'>> {
    const parsed = parseRequest(replaceBackgroundSchema, request, 'replaceBackground');
    const image = await prepare(parsed.image, 'image', 'image');
    const referenceImage =
      parsed.referenceImage === undefined
        ? undefined
        : await prepare(parsed.referenceImage, 'referenceImage', 'image');
    const { image: _image, referenceImage: _reference, ...options } = parsed;
    return {
      operation: 'replaceBackground',
      profile: { ...options, operation: 'replaceBackground', image, referenceImage },
      options: parsed,
      buildCall: async (candidate, handOver) => ({
        ...callBase(candidate, parsed),
        image: await handOver(image, 'image'),
        referenceImage:
          referenceImage === undefined ? undefined : await handOver(referenceImage, 'referenceImage'),
        prompt: parsed.prompt,
        backgroundColor: parsed.backgroundColor,
        negativePrompt: parsed.negativePrompt,
        seed: parsed.seed,
        count: parsed.count,
        qualityMode: parsed.qualityMode,
        refinePrompt: parsed.refinePrompt,
        preserveOriginalSize: parsed.preserveOriginalSize,
        moderation: parsed.moderation,
        outputFormat: parsed.outputFormat,
      }),
    };
  }

  async function startJob<Operation extends JobOperationName>(
    plan: OperationPlan<Operation>,
  ): Promise<BackdropJob> {
    const started = await startOperation(runtime, plan);
    return createBackdropJob(runtime, started.start.handle, started.start.update, started.start.warnings);
  }

  async function videoPlan(
    request: RemoveVideoBackgroundRequest,
  ): Promise<OperationPlan<'removeVideoBackground'>> {
    const parsed = parseRequest(removeVideoBackgroundSchema, request, 'removeVideoBackground');
    const video = await prepare(parsed.video, 'video', 'video');
    const background = await prepareBackground(parsed.background);
    return {
      operation: 'removeVideoBackground',
      profile: {
        operation: 'removeVideoBackground',
        video,
        background,
        container: parsed.container,
        keepAudio: parsed.keepAudio,
      },
      options: parsed,
      buildCall: async (candidate, handOver) => {
        const { variant } = candidate;
        // With no container asked for, a transparent background gets one that can carry alpha.
        const container =
          parsed.container ?? (background.type === 'transparent' ? variant.alphaContainers[0] : undefined);
        return {
          ...callBase(candidate, parsed),
          video: await handOver(video, 'video'),
          background: await resolveBackground(background, handOver),
          container,
          keepAudio: parsed.keepAudio,
        };
      },
    };
  }

  function estimate<Operation extends 'removeBackground' | 'replaceBackground'>(
    plan: OperationPlan<Operation>,
  ): OperationEstimate {
    const profile: RequestProfile = plan.profile;
    const images = profile.operation === 'replaceBackground' ? profile.count : 1;
    const [candidate] = routeRequest({
      adapters: runtime.adapters,
      profile: plan.profile,
      provider: plan.options.provider,
      model: plan.options.model,
      providerOptions: plan.options.providerOptions,
    });
    if (!candidate)
      throw new BackdropError({ code: 'unsupported', message: 'no provider can serve this request' });
    const { adapter, variant } = candidate;
    return {
      provider: adapter.provider,
      displayName: adapter.displayName,
      model: variant.model,
      images,
      estimatedCostUsd: estimateCostUsd(findPrice(adapter.provider, variant.model, variant.price), {
        images,
      }),
    };
  }

  return {
    providers: runtime.adapters.map((adapter) => ({
      provider: adapter.provider,
      displayName: adapter.displayName,
      capabilities: adapter.capabilities,
    })),

    estimateRemoveBackground: async (request) => estimate(await removePlan(request)),
    estimateReplaceBackground: async (request) => estimate(await replacePlan(request)),
    removeBackground: async (request) => runOperation(runtime, await removePlan(request)),
    replaceBackground: async (request) => runOperation(runtime, await replacePlan(request)),
    removeVideoBackground: async (request) => runOperation(runtime, await videoPlan(request)),
    startRemoveBackground: async (request) => startJob(await removePlan(request)),
    startReplaceBackground: async (request) => startJob(await replacePlan(request)),
    startRemoveVideoBackground: async (request) => startJob(await videoPlan(request)),

    resumeJob(handle) {
      return createBackdropJob(runtime, parseRequest(jobHandleSchema, handle, 'resumeJob'));
    },

    async connectRealtimeVideo(request = {}) {
      const parsed = parseRequest(realtimeVideoSchema, request, 'connectRealtimeVideo');
      const background = await prepareBackground(parsed.background);
      const [candidate] = routeRequest({
        adapters: runtime.adapters,
        profile: { operation: 'connectRealtimeVideo', background },
        provider: parsed.provider,
        model: parsed.model,
        providerOptions: parsed.providerOptions,
      });
      if (!candidate)
        throw new BackdropError({ code: 'unsupported', message: 'no provider can run live video sessions' });
      const { adapter, variant } = candidate;
      // The session outlives connect: its signal is the caller's, never a connect timeout.
      const sessionSignal = createCallSignal({ signal: parsed.signal });
      const context = createCallContext(runtime, sessionSignal.signal);
      // A live session takes its background image inline (seed 004: "URL or data URI"): no
      // storage round trip mid-session, and no key needed in a browser.
      const handOver = async (media: PreparedMedia): Promise<AdapterMedia> =>
        media.kind === 'url'
          ? { kind: 'url', url: media.url }
          : {
              kind: 'url',
              url: encodeDataUri(new Uint8Array(await media.data.arrayBuffer()), media.facts.contentType),
              facts: media.facts,
            };
      const session = await openRealtimeSession({
        adapter,
        context,
        call: {
          model: variant.model,
          providerOptions: parsed.providerOptions?.[adapter.provider],
          background: await resolveBackground(background, handOver),
        },
        maxFramesInFlight: parsed.maxFramesInFlight,
        frameTimeoutMs: parsed.frameTimeoutMs,
        maxReconnects: parsed.maxReconnects,
        price: findPrice(adapter.provider, variant.model, variant.price),
      });
      void session.closed.then(() => sessionSignal.dispose());
      return {
        ...session,
        provider: session.provider,
        model: session.model,
        closed: session.closed,
        async setBackground(input) {
          const { background: parsedBackground } = parseRequest(
            setBackgroundSchema,
            { background: input },
            'setBackground',
          );
          const prepared = await prepareBackground(parsedBackground);
          routeRequest({
            adapters: [adapter],
            profile: { operation: 'connectRealtimeVideo', background: prepared },
            model: variant.model,
          });
          session.setBackground(await resolveBackground(prepared, handOver));
        },
      };
    },
  };
}
