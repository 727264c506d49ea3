import { BackdropError } from '../errors/backdrop-error.js';
import { toBackdropError } from '../errors/normalize-error.js';
import { estimateCostUsd } from '../pricing/price-table.js';
import type { BackdropAdapter, CallContext } from '../spec/adapter.js';
import type { RealtimeVideoCall, ResolvedBackground } from '../spec/calls.js';
import type { Price } from '../spec/capabilities.js';
import type { RealtimeConnection, RealtimeFrame, RealtimeFrameInput } from '../spec/realtime.js';
import { LatencyWindow } from './latency-window.js';
import { checkRealtimeFrame } from './realtime-frame.js';
import { ReconnectBudget } from './reconnect-budget.js';

export interface RealtimeSessionStats {
  framesSent: number;
  framesReceived: number;
  /** Frames never sent because a newer one replaced them, or sent and never answered. */
  framesDropped: number;
  /** Frames sent and not answered yet (they were sent with the background of their time). */
  framesInFlight: number;
  reconnects: number;
  latencyMs: { last: number; median: number; p95: number } | undefined;
  connectedSeconds: number;
  estimatedCostUsd: number | undefined;
}

export interface RealtimeSession {
  readonly provider: string;
  readonly model: string;
  /**
   * Sends a frame; when the provider is behind, only the newest waiting frame is kept. Throws
   * an `invalid_input` error for a frame that is not an image, and after the session closed.
   */
  send(frame: RealtimeFrameInput): void;
  onFrame(listener: (frame: RealtimeFrame) => void): () => void;
  onError(listener: (error: BackdropError) => void): () => void;
  /** Applies to the frames sent from now on; throws after the session closed. */
  setBackground(background: ResolvedBackground): void;
  stats(): RealtimeSessionStats;
  close(): Promise<void>;
  /**
   * Settles when the session has ended, by close() or by drops it could not recover from (then
   * `onError` listeners heard why first).
   */
  readonly closed: Promise<void>;
}

export interface RealtimeSessionOptions {
  adapter: BackdropAdapter;
  call: RealtimeVideoCall;
  context: CallContext;
  maxFramesInFlight: number;
  frameTimeoutMs: number;
  /** Reconnects allowed in a row without a healthy stretch between them (see ReconnectBudget). */
  maxReconnects: number;
  price: Price | undefined;
}

/**
 * Wraps an adapter's live connection with what every provider needs: latest-frame-wins
 * backpressure (a slow service never builds a queue), lost-frame timeouts, round-trip stats,
 * and reconnects after an unexpected drop: at once after a healthy stretch, then with backoff,
 * giving up (and saying so through onError) after maxReconnects drops in a row.
 */
export async function openRealtimeSession(options: RealtimeSessionOptions): Promise<RealtimeSession> {
  const { adapter, context } = options;
  const connect = adapter.connectRealtimeVideo?.bind(adapter);
  if (!connect) {
    throw new BackdropError({
      code: 'unsupported',
      provider: adapter.provider,
      message: `${adapter.displayName} has no live video sessions`,
    });
  }
  let background = options.call.background;
  const frameListeners = new Set<(frame: RealtimeFrame) => void>();
  const errorListeners = new Set<(error: BackdropError) => void>();
  const inFlight: number[] = [];
  const latency = new LatencyWindow();
  const counters = { framesSent: 0, framesReceived: 0, framesDropped: 0, reconnects: 0 };
  const budget = new ReconnectBudget({ maxReconnects: options.maxReconnects });
  let lastDropCause: BackdropError | undefined;
  const openedAt = Date.now();
  let pending: RealtimeFrameInput | undefined;
  let connection: RealtimeConnection | undefined;
  let state: 'open' | 'reconnecting' | 'closed' = 'open';
  let endedAt: number | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const reportError = (error: BackdropError) => {
    for (const listener of errorListeners) listener(error);
  };

  const transmit = (frame: RealtimeFrameInput) => {
    if (!connection) return;
    inFlight.push(Date.now());
    counters.framesSent++;
    try {
      connection.send(frame, background);
    } catch (thrown) {
      reportError(toBackdropError(thrown, adapter.provider));
    }
  };

  const sendPendingIfRoom = () => {
    if (state !== 'open' || pending === undefined || inFlight.length >= options.maxFramesInFlight) return;
    const frame = pending;
    pending = undefined;
    transmit(frame);
  };

  // Frames the service never answers would hold the window shut: count them lost and move on.
  const sweepTimer = setInterval(
    () => {
      const now = Date.now();
      while (inFlight.length > 0 && now - (inFlight[0] ?? now) > options.frameTimeoutMs) {
        inFlight.shift();
        counters.framesDropped++;
      }
      sendPendingIfRoom();
    },
    Math.max(50, Math.min(1_000, options.frameTimeoutMs / 4)),
  );

  const finish = () => {
    if (state === 'closed') return;
    state = 'closed';
    endedAt = Date.now();
    clearInterval(sweepTimer);
    counters.framesDropped += inFlight.length + (pending === undefined ? 0 : 1);
    inFlight.length = 0;
    pending = undefined;
    resolveClosed();
  };

  const events = {
    onFrame(frame: RealtimeFrame) {
      if (state === 'closed') return;
      const sentAt = inFlight.shift();
      if (sentAt !== undefined) latency.add(Date.now() - sentAt);
      counters.framesReceived++;
      budget.frameAnswered();
      for (const listener of frameListeners) listener(frame);
      sendPendingIfRoom();
    },
    onError(error: BackdropError) {
      reportError(error);
    },
    onClose(details: { expected: boolean; code?: number | undefined; cause?: BackdropError | undefined }) {
      if (state !== 'open') return;
      if (details.expected || context.signal.aborted) {
        finish();
        return;
      }
      lastDropCause = details.cause;
      void reconnect(details.code);
    },
  };

  const giveUp = (code: number | undefined) => {
    const inARow = budget.reconnectsInARow;
    const cause = lastDropCause ? ` (last: ${lastDropCause.message})` : code ? ` (close code ${code})` : '';
    reportError(
      new BackdropError({
        code: 'network',
        provider: adapter.provider,
        retryable: false,
        message:
          inARow === 0
            ? `the live session ended: the connection dropped and reconnecting is off (maxReconnects: 0)${cause}`
            : `the live session ended: the connection dropped again after ${inARow} reconnects in a row without a healthy stretch${cause}`,
        cause: lastDropCause,
      }),
    );
    finish();
  };

  // The frames in flight died with the connection: free their slots at once, so the next frame
  // goes out as soon as the connection is back (at once after a healthy stretch).
  async function reconnect(code: number | undefined): Promise<void> {
    state = 'reconnecting';
    counters.framesDropped += inFlight.length;
    inFlight.length = 0;
    for (let delay = budget.nextDelay(); delay !== undefined; delay = budget.nextDelay()) {
      counters.reconnects++;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if ((state as string) === 'closed' || context.signal.aborted) return finish();
      try {
        connection = await connect?.({ ...options.call, background }, events, context);
        if ((state as string) === 'closed') {
          await connection?.close();
          return;
        }
        state = 'open';
        budget.connected();
        sendPendingIfRoom();
        return;
      } catch (thrown) {
        lastDropCause = toBackdropError(thrown, adapter.provider);
        reportError(lastDropCause);
      }
    }
    giveUp(code);
  }

  const refuseWhenClosed = (field: string) => {
    if (state === 'closed') {
      throw new BackdropError({
        code: 'invalid_input',
        field,
        provider: adapter.provider,
        message: `${field}: the session is closed`,
      });
    }
  };

  try {
    connection = await connect(options.call, events, context);
  } catch (thrown) {
    clearInterval(sweepTimer);
    throw toBackdropError(thrown, adapter.provider);
  }

  return {
    provider: adapter.provider,
    model: options.call.model,
    closed,
    send(frame) {
      refuseWhenClosed('frame');
      checkRealtimeFrame(frame);
      if (pending !== undefined) counters.framesDropped++;
      pending = frame;
      sendPendingIfRoom();
    },
    onFrame(listener) {
      frameListeners.add(listener);
      return () => frameListeners.delete(listener);
    },
    onError(listener) {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    setBackground(next) {
      refuseWhenClosed('background');
      background = next;
    },
    stats() {
      const connectedSeconds = ((endedAt ?? Date.now()) - openedAt) / 1_000;
      return {
        ...counters,
        framesInFlight: inFlight.length,
        latencyMs: latency.summary(),
        connectedSeconds,
        estimatedCostUsd: estimateCostUsd(options.price, { seconds: connectedSeconds }),
      };
    },
    async close() {
      if (state === 'closed') return;
      const current = connection;
      finish();
      await current?.close();
    },
  };
}
