import type { JobHandle } from '@backdrop/core';

/** Where a job is. `cancelled` is a failure the caller asked for, never retried. */
export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'cancelled';

/** How far a job has gone, as its processor reports it (plain JSON, kept with the job). */
export interface JobProgress {
  stage: string;
  percent?: number | undefined;
}

/** Why a job failed, in core's terms; never carries a key (messages are redacted). */
export interface JobFailure {
  code: string;
  message: string;
  retryable: boolean;
  provider?: string | undefined;
}

/** A job as a back end reports it. */
export interface JobRecord<Data, Result> {
  id: string;
  data: Data;
  tenant: string | undefined;
  state: JobState;
  progress: JobProgress | undefined;
  result: Result | undefined;
  failure: JobFailure | undefined;
  /** Attempts that ended in a retryable failure or succeeded (a takeover is not an attempt). */
  attemptsMade: number;
  /** The provider job an attempt started: a takeover resumes it rather than paying again. */
  providerHandle: JobHandle | undefined;
}

export interface EnqueueOptions {
  /** A stable id makes enqueueing idempotent: a job with the same id is not added twice. */
  id?: string | undefined;
  /** Whose job it is, for per-tenant concurrency and rate limits. */
  tenant?: string | undefined;
}

/** What a processor gets for one attempt at one job. */
export interface JobContext<Data> {
  id: string;
  data: Data;
  tenant: string | undefined;
  /** 1 on the first attempt; a takeover after a crash keeps the number. */
  attempt: number;
  /** No attempt follows this one: a failure now is final, however retryable. */
  finalAttempt: boolean;
  /** Aborted on cancel, and on a forced shutdown: pass it to core so the provider job is cancelled. */
  signal: AbortSignal;
  /** The provider job an earlier attempt or a crashed worker started for this job, if any. */
  savedHandle: JobHandle | undefined;
  /** Persists the provider job as soon as the provider accepted it; undefined forgets it. */
  saveHandle(handle: JobHandle | undefined): Promise<void>;
  reportProgress(progress: JobProgress): Promise<void>;
}

export type JobProcessor<Data, Result> = (context: JobContext<Data>) => Promise<Result>;

/** At most `max` job starts in `durationMs` (both positive integers). */
export interface RateLimit {
  max: number;
  durationMs: number;
}

/** Give every worker of a queue the same limits: each enforces its own against the shared counts. */
export interface JobWorkerOptions {
  /** Jobs this worker runs at once (default 1). */
  concurrency?: number | undefined;
  /** Jobs one tenant may have active at once across every worker (default: no limit). */
  tenantConcurrency?: number | undefined;
  /** At most `max` job starts per `durationMs`, across every worker (default: no limit). */
  rateLimit?: RateLimit | undefined;
  /**
   * At most `max` job starts per tenant in any `durationMs`, across every worker (default: no
   * limit). A job over its tenant's limit waits without spending an attempt while other tenants'
   * jobs go on; jobs without a tenant are not limited by it.
   */
  tenantRateLimit?: RateLimit | undefined;
}

export interface JobWorker {
  /**
   * Stops taking jobs and waits for the active ones to finish. With `force` it returns at once:
   * on Redis the active jobs are handed back (another worker takes them over after the stall
   * interval and resumes their provider jobs); in process they are aborted, which cancels them.
   */
  close(options?: { force?: boolean | undefined }): Promise<void>;
}

/** One queue of Backdrop jobs and the workers that run them; every back end has this shape. */
export interface JobQueue<Data, Result> {
  readonly backend: 'in-process' | 'redis';
  /** Adds a job; returns its id. An id already queued or finished is kept, not added again. */
  enqueue(data: Data, options?: EnqueueOptions): Promise<string>;
  get(id: string): Promise<JobRecord<Data, Result> | undefined>;
  /** Resolves once the job is completed, failed or cancelled. */
  waitFor(id: string, options?: { signal?: AbortSignal | undefined }): Promise<JobRecord<Data, Result>>;
  /** A waiting job is dropped; an active one is aborted, which cancels its provider job. */
  cancel(id: string): Promise<void>;
  /** Forgets a job that is not active (a rerun adds a failed one again). */
  remove(id: string): Promise<void>;
  startWorker(processor: JobProcessor<Data, Result>, options?: JobWorkerOptions): JobWorker;
  /** Closes the queue's connections (not its workers: close those first). */
  close(): Promise<void>;
}

export const finishedStates: readonly JobState[] = ['completed', 'failed', 'cancelled'];
