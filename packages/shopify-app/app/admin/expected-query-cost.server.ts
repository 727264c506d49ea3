import { estimateQueryCost } from './query-cost-estimate.server';

// What Shopify asked (requestedQueryCost) the last time this process sent an operation with the
// same page sizes: the points to reserve for its next call. Shopify's own figure beats the estimate.
const requestedCosts = new Map<string, number>();
/** Operations are the app's constants; the cap only bounds a process that sends ad-hoc ones. */
const rememberedOperations = 500;

function costKey(operation: string, variables: Record<string, unknown> | undefined): string {
  // Page sizes come from numeric variables; other variables (ids, inputs) leave the price alone.
  const numbers = Object.entries(variables ?? {})
    .filter(([, value]) => typeof value === 'number')
    .sort(([left], [right]) => left.localeCompare(right));
  return numbers.length > 0 ? `${operation}\n${JSON.stringify(numbers)}` : operation;
}

/** The points to reserve for a call. */
export function expectedQueryCost(operation: string, variables?: Record<string, unknown>): number {
  return requestedCosts.get(costKey(operation, variables)) ?? estimateQueryCost(operation, variables);
}

/** Remembers what Shopify asked for a call, for the next one. */
export function rememberQueryCost(
  operation: string,
  variables: Record<string, unknown> | undefined,
  requestedQueryCost: number,
): void {
  const key = costKey(operation, variables);
  requestedCosts.delete(key);
  requestedCosts.set(key, requestedQueryCost);
  if (requestedCosts.size > rememberedOperations) {
    const oldest = requestedCosts.keys().next().value;
    if (oldest !== undefined) requestedCosts.delete(oldest);
  }
}
