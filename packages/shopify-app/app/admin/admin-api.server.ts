import type { AdminMutations, AdminQueries } from '@shopify/admin-api-client';

type Operations = AdminQueries & AdminMutations;
export type AdminOperation = keyof Operations & string;
export type AdminResult<Operation extends AdminOperation> = Operations[Operation]['return'];
export type AdminVariables<Operation extends AdminOperation> = Operations[Operation]['variables'];

/** `admin.graphql` from `authenticate.admin` or `unauthenticated.admin`: Shopify's client. */
export type AdminGraphql = (
  operation: string,
  options?: { variables?: Record<string, unknown> },
) => Promise<Response>;

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

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
  /** Retries of one THROTTLED call before giving up (default 20). */
  maxThrottleRetries?: number;
  sleep?: (milliseconds: number) => Promise<void>;
}

interface ShopLane {
  /** Mutations of one shop run one after another, in the order they were asked. */
  mutations: Promise<unknown>;
  /** While the bucket refills, every call for the shop waits until then. */
  pausedUntil: number;
}

const lanes = new Map<string, ShopLane>();

function laneOf(shop: string): ShopLane {
  let lane = lanes.get(shop);
  if (!lane) {
    lane = { mutations: Promise.resolve(), pausedUntil: 0 };
    lanes.set(shop, lane);
  }
  return lane;
}

interface ClientErrorBody {
  errors?: { graphQLErrors?: Array<{ message?: string; extensions?: { code?: string } }>; message?: string };
  extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: ThrottleStatus } };
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

/**
 * The app's one way to Shopify's Admin API: typed operations, THROTTLED answers (HTTP 200, which
 * Shopify's client does not retry) waited out and retried, and each shop's mutations kept in order.
 */
export function createAdminApi(options: AdminApiOptions): AdminApi {
  const sleep =
    options.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)));
  const maxThrottleRetries = options.maxThrottleRetries ?? 20;
  const lane = laneOf(options.shop);
  const usage = { points: 0, calls: 0, throttled: 0 };

  async function send(operation: string, variables: Record<string, unknown> | undefined): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const wait = lane.pausedUntil - Date.now();
      if (wait > 0) await sleep(wait);
      usage.calls += 1;
      try {
        const response = await options.graphql(operation, variables ? { variables } : undefined);
        const body = (await response.json()) as {
          data?: unknown;
          extensions?: { cost?: { actualQueryCost?: number } };
        };
        usage.points += body.extensions?.cost?.actualQueryCost ?? 0;
        return body.data;
      } catch (error) {
        const throttle = throttleOf(error);
        if (!throttle) throw describe(error);
        usage.throttled += 1;
        if (attempt >= maxThrottleRetries)
          throw new AdminApiError(
            `Shopify kept throttling the app after ${maxThrottleRetries} retries; try again later`,
            'throttled',
          );
        lane.pausedUntil = Math.max(lane.pausedUntil, Date.now() + throttle.delayMs);
      }
    }
  }

  return {
    shop: options.shop,
    usage,
    request(operation, variables) {
      const run = () =>
        send(operation, variables as Record<string, unknown> | undefined) as Promise<
          AdminResult<typeof operation>
        >;
      if (!isMutation(operation)) return run();
      const result = lane.mutations.then(run, run);
      lane.mutations = result.catch(() => undefined);
      return result;
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
