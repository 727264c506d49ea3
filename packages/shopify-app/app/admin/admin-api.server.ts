import type { AdminMutations, AdminQueries } from '@shopify/admin-api-client';
import type { AdminBudget, BudgetReservation, ThrottleStatus } from './admin-budget.server';
import { processAdminBudget } from './admin-budget-memory.server';
import { expectedQueryCost, rememberQueryCost } from './expected-query-cost.server';
import { inShopMutationOrder } from './shop-mutation-order.server';

export type { ThrottleStatus } from './admin-budget.server';

type Operations = AdminQueries & AdminMutations;
export type AdminOperation = keyof Operations & string;
export type AdminResult<Operation extends AdminOperation> = Operations[Operation]['return'];
export type AdminVariables<Operation extends AdminOperation> = Operations[Operation]['variables'];

/** `admin.graphql` from `authenticate.admin` or `unauthenticated.admin`: Shopify's client. */
export type AdminGraphql = (
  operation: string,
  options?: { variables?: Record<string, unknown> },
) => Promise<Response>;

/** An Admin API failure in plain words (Shopify's own message kept; never a token). */
export class AdminApiError extends Error {
  override name = 'AdminApiError';
  constructor(
    message: string,
    readonly code: 'throttled' | 'graphql' | 'user_errors' | 'http',
  ) {
    super(message);
  }
}

export interface AdminApi {
  readonly shop: string;
  request<Operation extends AdminOperation>(
    operation: Operation,
    variables?: AdminVariables<Operation>,
  ): Promise<AdminResult<Operation>>;
  /** Points Shopify charged for this client's calls (actualQueryCost), and THROTTLED answers met. */
  readonly usage: { points: number; calls: number; throttled: number };
}

export interface AdminApiOptions {
  shop: string;
  graphql: AdminGraphql;
  /** The shop's points, shared with every client using the same budget (default: this process's). */
  budget?: AdminBudget;
  /** Retries of one THROTTLED call before giving up (default 20). */
  maxThrottleRetries?: number;
  sleep?: (milliseconds: number) => Promise<void>;
}

/** `extensions.cost` of an answer, THROTTLED or not. */
interface QueryCost {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: ThrottleStatus;
}

interface ClientErrorBody {
  errors?: { graphQLErrors?: Array<{ message?: string; extensions?: { code?: string } }>; message?: string };
  extensions?: { cost?: QueryCost };
}

/** How long to wait before a THROTTLED call can succeed: (requested − available) / restoreRate. */
export function throttleDelayMs(requested: number, status: ThrottleStatus): number {
  const missing = Math.max(0, requested - status.currentlyAvailable);
  return Math.ceil((missing / Math.max(status.restoreRate, 1)) * 1000) + 50;
}

function throttleOf(error: unknown): { delayMs: number } | undefined {
  const body = (error as { body?: ClientErrorBody }).body;
  const throttled = body?.errors?.graphQLErrors?.some((entry) => entry.extensions?.code === 'THROTTLED');
  if (!throttled) return undefined;
  const cost = body?.extensions?.cost;
  if (!cost?.throttleStatus) return { delayMs: 1000 };
  return { delayMs: throttleDelayMs(cost.requestedQueryCost ?? 0, cost.throttleStatus) };
}

function describe(error: unknown): AdminApiError {
  if (error instanceof AdminApiError) return error;
  const body = (error as { body?: ClientErrorBody }).body;
  const messages = body?.errors?.graphQLErrors?.map((entry) => entry.message).filter(Boolean);
  if (messages && messages.length > 0)
    return new AdminApiError(`Shopify refused the request: ${messages.join('; ')}`, 'graphql');
  const message = error instanceof Error ? error.message : String(error);
  return new AdminApiError(`Shopify could not be reached: ${message}`, 'http');
}

const isMutation = (operation: string) => /^\s*(#graphql\s*)?mutation\b/.test(operation);

/** Reserves `points` of the shop's budget, waiting as long as the budget says until it grants them. */
async function reserveWhenAvailable(
  budget: AdminBudget,
  shop: string,
  points: number,
  sleep: (milliseconds: number) => Promise<void>,
): Promise<BudgetReservation> {
  for (;;) {
    const grant = await budget.reserve(shop, points);
    if (grant.granted) return grant.reservation;
    await sleep(grant.waitMs);
  }
}

/**
 * The app's one way to Shopify's Admin API: typed operations, each call's points reserved from the
 * shop's budget first (so clients sharing it never overspend the shop's bucket), THROTTLED answers
 * (HTTP 200, which Shopify's client does not retry) waited out and retried, and each shop's
 * mutations kept in order.
 */
export function createAdminApi(options: AdminApiOptions): AdminApi {
  const sleep =
    options.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)));
  const maxThrottleRetries = options.maxThrottleRetries ?? 20;
  const budget = options.budget ?? processAdminBudget();
  const shop = options.shop;
  const usage = { points: 0, calls: 0, throttled: 0 };

  async function send(operation: string, variables: Record<string, unknown> | undefined): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const points = expectedQueryCost(operation, variables);
      const reservation = await reserveWhenAvailable(budget, shop, points, sleep);
      usage.calls += 1;
      let body: { data?: unknown; extensions?: { cost?: QueryCost } };
      try {
        const response = await options.graphql(operation, variables ? { variables } : undefined);
        body = (await response.json()) as typeof body;
      } catch (error) {
        const cost = (error as { body?: ClientErrorBody }).body?.extensions?.cost;
        if (cost?.requestedQueryCost) rememberQueryCost(operation, variables, cost.requestedQueryCost);
        const throttle = throttleOf(error);
        if (!throttle) {
          await budget.settle(reservation, {
            status: cost?.throttleStatus,
            actualCost: cost?.actualQueryCost ?? undefined,
          });
          throw describe(error);
        }
        usage.throttled += 1;
        // Shopify took nothing; every client of the shop waits while the bucket refills.
        await budget.settle(reservation, {
          status: cost?.throttleStatus,
          actualCost: 0,
          pauseMs: throttle.delayMs,
        });
        if (attempt >= maxThrottleRetries)
          throw new AdminApiError(
            `Shopify kept throttling the app after ${maxThrottleRetries} retries; try again later`,
            'throttled',
          );
        await sleep(throttle.delayMs);
        continue;
      }
      const cost = body.extensions?.cost;
      if (cost?.requestedQueryCost) rememberQueryCost(operation, variables, cost.requestedQueryCost);
      await budget.settle(reservation, {
        status: cost?.throttleStatus,
        actualCost: cost?.actualQueryCost ?? undefined,
      });
      usage.points += cost?.actualQueryCost ?? 0;
      return body.data;
    }
  }

  return {
    shop,
    usage,
    request(operation, variables) {
      const run = () =>
        send(operation, variables as Record<string, unknown> | undefined) as Promise<
          AdminResult<typeof operation>
        >;
      return isMutation(operation) ? inShopMutationOrder(shop, run) : run();
    },
  };
}

/** Shopify's userErrors as one error naming the step (an item's error, in plain words). */
export function assertNoUserErrors(
  step: string,
  userErrors: ReadonlyArray<{ field?: readonly string[] | null; message: string }> | null | undefined,
): void {
  if (!userErrors || userErrors.length === 0) return;
  const details = userErrors
    .map((error) => (error.field?.length ? `${error.field.join('.')}: ${error.message}` : error.message))
    .join('; ');
  throw new AdminApiError(`Shopify refused to ${step}: ${details}`, 'user_errors');
}
