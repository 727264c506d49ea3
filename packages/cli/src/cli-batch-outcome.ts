import { errorJson, exitCodeFor, exitCodes, wasSent } from './cli-report.js';

/** What a batch did, file by file. */
export interface Outcome {
  done: Array<{ input: string; outputs: string[]; estimatedCostUsd: number | undefined; resumed?: boolean }>;
  failed: Array<{ input: string; error: unknown }>;
  skipped: string[];
  /** Files in flight when Ctrl-C came: their jobs were cancelled, nothing was written. */
  interrupted: string[];
}

/** The batch's cost, added up once for both reports: known prices, and how many had none. */
export function totalCost(outcome: Outcome): { usd: number; unpriced: number } {
  let usd = 0;
  let unpriced = 0;
  for (const entry of outcome.done) {
    if (entry.estimatedCostUsd === undefined) unpriced++;
    else usd += entry.estimatedCostUsd;
  }
  return { usd: Math.round(usd * 1e6) / 1e6, unpriced };
}

export function summary(outcome: Outcome): string {
  const cost = totalCost(outcome);
  const rows = [
    ['done', String(outcome.done.length)],
    ['failed', String(outcome.failed.length)],
    ['skipped', `${outcome.skipped.length}${outcome.skipped.length ? ' (already done)' : ''}`],
    ...(outcome.interrupted.length ? [['interrupted', String(outcome.interrupted.length)]] : []),
    ['estimated cost', `$${cost.usd}${cost.unpriced ? ` (+${cost.unpriced} at an unknown price)` : ''}`],
  ];
  const table = rows.map(([label, value]) => `${(label ?? '').padEnd(15)}${value}`).join('\n');
  const reasons = outcome.failed
    .map(({ input, error }) => `  ${input}: ${errorJson(error).error.message}`)
    .join('\n');
  return reasons ? `${table}\nfailures:\n${reasons}` : table;
}

/**
 * The exit code of a whole batch: 0 when nothing failed; 2 only when nothing was sent at all;
 * 1 when the only failures were refused before sending while others went through; else the
 * code of the first failure that was sent (3 refused, 4 failed); 130 after Ctrl-C.
 */
export function batchExitCode(outcome: Outcome): number {
  if (outcome.interrupted.length > 0) return exitCodes.interrupted;
  if (outcome.failed.length === 0) return exitCodes.done;
  const sentFailure = outcome.failed.find(({ error }) => wasSent(error));
  if (sentFailure) return exitCodeFor(sentFailure.error);
  return outcome.done.length > 0 ? exitCodes.partial : exitCodeFor(outcome.failed[0]?.error);
}
