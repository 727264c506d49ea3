import type { CallOutcome, ThrottleStatus } from './admin-budget.server';

// The budget's model of one shop's bucket, for the in-memory budget. The Redis budget runs the
// same rules in Lua (admin-budget-bucket-script.server.ts); the two are tested side by side.

export interface BucketTimings {
  /** A reservation never settled (its process died mid-call) stops counting after this long. */
  abandonAfterMs: number;
  /** A shop's state is forgotten after this long without calls (in Redis: its key expires). */
  idleExpiryMs: number;
  /** Until Shopify has reported a shop's bucket, one call at a time; the others ask again after this long. */
  probeWaitMs: number;
  /**
   * A pause counts as over this much before its end: a timer can fire a few milliseconds before
   * Date.now() reaches its deadline, and a pause already holds a 50 ms margin (throttleDelayMs).
   */
  timerEarlinessMs: number;
}

export const defaultBucketTimings: BucketTimings = {
  abandonAfterMs: 60_000,
  idleExpiryMs: 600_000,
  probeWaitMs: 50,
  timerEarlinessMs: 20,
};

interface KnownBucket {
  /** Points free for new calls at `updatedAt`: Shopify's last report less what was reserved since. */
  level: number;
  updatedAt: number;
  maximum: number;
  restoreRate: number;
}

export interface ShopBucket {
  /** Undefined until Shopify has reported the bucket. */
  known: KnownBucket | undefined;
  pausedUntil: number;
  /** The reservation whose answer last set the level; older answers are stale. */
  reportedSequence: number;
  sequence: number;
  inFlight: Map<number, { points: number; expiresAt: number }>;
  lastUsedAt: number;
}

export type BucketDecision = { granted: true; sequence: number } | { granted: false; waitMs: number };

export function emptyShopBucket(now: number): ShopBucket {
  return {
    known: undefined,
    pausedUntil: 0,
    reportedSequence: 0,
    sequence: 0,
    inFlight: new Map(),
    lastUsedAt: now,
  };
}

/** Shopify's bucket refills at restoreRate per second up to its maximum. */
export function levelAt(bucket: KnownBucket, now: number): number {
  return Math.min(bucket.maximum, bucket.level + ((now - bucket.updatedAt) * bucket.restoreRate) / 1000);
}

function dropAbandoned(bucket: ShopBucket, now: number): void {
  for (const [sequence, reservation] of bucket.inFlight)
    if (reservation.expiresAt <= now) bucket.inFlight.delete(sequence);
}

/** Takes `points` when the bucket holds them now; otherwise the milliseconds until it should. */
export function reserveInBucket(
  bucket: ShopBucket,
  points: number,
  now: number,
  timings: BucketTimings,
): BucketDecision {
  dropAbandoned(bucket, now);
  bucket.lastUsedAt = now;
  const pause = bucket.pausedUntil - now;
  if (pause > timings.timerEarlinessMs) return { granted: false, waitMs: Math.ceil(pause) };
  const known = bucket.known;
  if (!known) {
    if (bucket.inFlight.size > 0) return { granted: false, waitMs: timings.probeWaitMs };
  } else {
    // A call dearer than the whole bucket waits for a full one (Shopify refuses it anyway).
    const needed = Math.min(points, known.maximum);
    const level = levelAt(known, now);
    if (level < needed)
      return {
        granted: false,
        waitMs: Math.max(1, Math.ceil(((needed - level) * 1000) / known.restoreRate)),
      };
    known.level = level - points;
    known.updatedAt = now;
  }
  bucket.sequence += 1;
  bucket.inFlight.set(bucket.sequence, { points, expiresAt: now + timings.abandonAfterMs });
  return { granted: true, sequence: bucket.sequence };
}

const isUsable = (status: ThrottleStatus | undefined): status is ThrottleStatus =>
  !!status && status.restoreRate > 0 && status.maximumAvailable > 0;

/** Puts an answer into the bucket: Shopify's report when it is the newest, else a refund. */
export function settleInBucket(
  bucket: ShopBucket,
  sequence: number,
  outcome: CallOutcome,
  now: number,
): void {
  dropAbandoned(bucket, now);
  bucket.lastUsedAt = now;
  const reserved = bucket.inFlight.get(sequence);
  bucket.inFlight.delete(sequence);
  const status = outcome.status;
  if (isUsable(status) && (!bucket.known || sequence > bucket.reportedSequence)) {
    // Shopify's report is the truth when it answered. Calls still in flight may not be in it yet,
    // so they stay reserved (counting one Shopify already charged twice errs on the safe side).
    let inFlight = 0;
    for (const reservation of bucket.inFlight.values()) inFlight += reservation.points;
    bucket.known = {
      level: status.currentlyAvailable - inFlight,
      updatedAt: now,
      maximum: status.maximumAvailable,
      restoreRate: status.restoreRate,
    };
    bucket.reportedSequence = sequence;
  } else if (reserved && bucket.known) {
    // An answer older than the report applied last, or one without a report: give back only
    // what the call did not cost.
    const refund = Math.max(0, reserved.points - (outcome.actualCost ?? reserved.points));
    bucket.known.level = Math.min(bucket.known.maximum, levelAt(bucket.known, now) + refund);
    bucket.known.updatedAt = now;
  }
  if (outcome.pauseMs && outcome.pauseMs > 0)
    bucket.pausedUntil = Math.max(bucket.pausedUntil, now + outcome.pauseMs);
}
