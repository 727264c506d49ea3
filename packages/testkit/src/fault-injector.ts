import type { ServerResponse } from 'node:http';
import { sendJson } from './http-helpers.js';

/** A failure an emulator produces instead of (or before) its normal answer. */
export type Fault =
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { type: 'rate-limit'; retryAfterSeconds: number; body?: unknown }
  | { type: 'slow'; delayMs: number }
  | { type: 'malformed' }
  | { type: 'drop' }
  /** For streams: answer normally, then cut the connection after this long. */
  | { type: 'drop-mid-stream'; afterMs: number };

export interface FaultRule {
  /** Which requests it applies to: an operation name the emulator gives each route. */
  operation?: string | undefined;
  fault: Fault;
  /** How many matching requests it hits (default 1). */
  times?: number | undefined;
}

export interface FaultContext {
  operation: string;
}

/** Faults queued by tests, consumed in order by the requests they match. */
export class FaultInjector {
  private readonly rules: Array<FaultRule & { remaining: number }> = [];
  readonly injected: Array<{ operation: string; fault: Fault['type'] }> = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Takes the next fault that matches, for handlers that apply it themselves. */
  next(context: FaultContext): Fault | undefined {
    const index = this.rules.findIndex(
      (rule) => rule.operation === undefined || rule.operation === context.operation,
    );
    const rule = this.rules[index];
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules.splice(index, 1);
    this.injected.push({ operation: context.operation, fault: rule.fault.type });
    return rule.fault;
  }

  /**
   * Applies the next matching fault. Returns true when the fault answered the request (the
   * caller must stop); a `slow` fault only delays, then lets the normal answer go out.
   */
  async apply(context: FaultContext, response: ServerResponse): Promise<boolean> {
    const fault = this.next(context);
    return fault ? respondWithFault(fault, response) : false;
  }
}

/** Answers a request as the fault says; false when the normal answer should still go out. */
export async function respondWithFault(fault: Fault, response: ServerResponse): Promise<boolean> {
  switch (fault.type) {
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      return false;
    case 'status':
      sendJson(
        response,
        fault.status,
        fault.body ?? { detail: `Injected HTTP ${fault.status}` },
        fault.headers,
      );
      return true;
    case 'rate-limit':
      sendJson(response, 429, fault.body ?? { detail: 'Rate limit exceeded' }, {
        'retry-after': String(fault.retryAfterSeconds),
      });
      return true;
    case 'malformed':
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"status": "IN_QUEUE", "request_id": ');
      return true;
    case 'drop':
      response.socket?.destroy();
      return true;
    case 'drop-mid-stream':
      setTimeout(() => response.socket?.destroy(), fault.afterMs);
      return false;
  }
}
