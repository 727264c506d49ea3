export interface ReconnectBudgetOptions {
  /** Reconnects allowed in a row without a healthy stretch between them. */
  maxReconnects: number;
  /** A connection that answered this many frames is healthy. */
  healthyFrames?: number | undefined;
  /** A connection that stayed up this long is healthy, in milliseconds. */
  healthyAfterMs?: number | undefined;
  baseDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
}

/**
 * How many reconnects a live session may still make, and how long to wait before the next.
 * The budget counts only the drops since the connection was last healthy (a few frames
 * answered, or some seconds up), so a long session with rare drops never runs out; the first
 * reconnect after a healthy stretch is immediate, the ones that follow back off exponentially.
 */
export class ReconnectBudget {
  private readonly healthyFrames: number;
  private readonly healthyAfterMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private sinceHealthy = 0;
  private framesAnswered = 0;
  private connectedAt = Date.now();

  constructor(private readonly options: ReconnectBudgetOptions) {
    this.healthyFrames = options.healthyFrames ?? 3;
    this.healthyAfterMs = options.healthyAfterMs ?? 10_000;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
  }

  /** Reconnects made since the connection was last healthy. */
  get reconnectsInARow(): number {
    return this.sinceHealthy;
  }

  connected(): void {
    this.framesAnswered = 0;
    this.connectedAt = Date.now();
  }

  frameAnswered(): void {
    this.framesAnswered++;
    if (this.framesAnswered >= this.healthyFrames) this.sinceHealthy = 0;
  }

  /** The wait before the next reconnect, or undefined when the budget is spent. */
  nextDelay(): number | undefined {
    if (Date.now() - this.connectedAt >= this.healthyAfterMs) this.sinceHealthy = 0;
    if (this.sinceHealthy >= this.options.maxReconnects) return undefined;
    const delay =
      this.sinceHealthy === 0
        ? 0
        : Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (this.sinceHealthy - 1));
    this.sinceHealthy++;
    // A reconnect in progress is not up yet: only a connection that comes back restarts the clock.
    this.connectedAt = Number.POSITIVE_INFINITY;
    return delay;
  }
}
