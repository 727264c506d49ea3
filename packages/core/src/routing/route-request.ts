import { BackdropError, type DeclineReason, type ProviderDeclination } from '../errors/backdrop-error.js';
import type { BackdropAdapter } from '../spec/adapter.js';
import type { OperationName, ProviderCapabilities } from '../spec/capabilities.js';
import {
  checkRealtimeVideo,
  checkRemoveBackground,
  checkRemoveVideoBackground,
  checkReplaceBackground,
} from './check-variant.js';
import type { RequestProfile } from './request-profile.js';

/** The variant type of each operation, as adapters declare them in their capabilities. */
export type VariantOf<Operation extends OperationName> = NonNullable<ProviderCapabilities[Operation]>[number];

/** What routing knows of a request for each operation. */
export type ProfileOf<Operation extends OperationName> = Extract<RequestProfile, { operation: Operation }>;

export type AnyVariant = VariantOf<OperationName>;

/** A provider and the variant of it that will serve the request. */
export interface RouteCandidate<Operation extends OperationName = OperationName> {
  adapter: BackdropAdapter;
  variant: VariantOf<Operation>;
}

type VariantCheck<Operation extends OperationName> = (
  variant: VariantOf<Operation>,
  profile: ProfileOf<Operation>,
  who: string,
) => DeclineReason[];

/** One check per operation; indexing it by a generic operation keeps variant and profile paired. */
const variantChecks: { [Operation in OperationName]: VariantCheck<Operation> } = {
  removeBackground: checkRemoveBackground,
  replaceBackground: checkReplaceBackground,
  removeVideoBackground: checkRemoveVideoBackground,
  connectRealtimeVideo: checkRealtimeVideo,
};

const operationLabels: Readonly<Record<OperationName, string>> = {
  removeBackground: 'remove an image background',
  replaceBackground: 'replace an image background',
  removeVideoBackground: 'run video background removal jobs',
  connectRealtimeVideo: 'run live video sessions',
};

function checkVariant<Operation extends OperationName>(
  operation: Operation,
  variant: VariantOf<Operation>,
  profile: ProfileOf<Operation>,
  who: string,
): DeclineReason[] {
  const check: VariantCheck<Operation> = variantChecks[operation];
  return check(variant, profile, who);
}

function implementsOperation(adapter: BackdropAdapter, operation: OperationName): boolean {
  return operation === 'connectRealtimeVideo'
    ? typeof adapter.connectRealtimeVideo === 'function'
    : adapter[operation] !== undefined;
}

interface AdapterVerdict<Operation extends OperationName> {
  accepted?: VariantOf<Operation>;
  reasons: DeclineReason[];
}

function judgeAdapter<Operation extends OperationName>(
  adapter: BackdropAdapter,
  operation: Operation,
  profile: ProfileOf<Operation>,
  model: string | undefined,
): AdapterVerdict<Operation> {
  const declared: ProviderCapabilities[Operation] = adapter.capabilities[operation];
  const variants: readonly VariantOf<Operation>[] = declared ?? [];
  if (variants.length === 0 || !implementsOperation(adapter, operation)) {
    return {
      reasons: [
        {
          code: 'unsupported',
          field: 'operation',
          message: `${adapter.displayName} cannot ${operationLabels[operation]}`,
        },
      ],
    };
  }
  const considered = model === undefined ? variants : variants.filter((variant) => variant.model === model);
  if (considered.length === 0) {
    return {
      reasons: [
        {
          code: 'unsupported',
          field: 'model',
          message: `model: ${adapter.displayName} has no ${model}; it offers ${variants.map((variant) => variant.model).join(', ')}`,
        },
      ],
    };
  }
  const who = (variant: VariantOf<Operation>) =>
    variants.length > 1 ? `${adapter.displayName} ${variant.model}` : adapter.displayName;
  // Report the variants that came closest (fewest reasons), every one of them on a tie.
  let closest: DeclineReason[][] = [];
  for (const variant of considered) {
    const reasons = checkVariant(operation, variant, profile, who(variant));
    if (reasons.length === 0) return { accepted: variant, reasons: [] };
    const fewest = closest[0]?.length ?? Number.POSITIVE_INFINITY;
    if (reasons.length < fewest) closest = [reasons];
    else if (reasons.length === fewest) closest.push(reasons);
  }
  const reasons = closest.flat();
  if (model !== undefined) {
    // A pinned model that cannot serve: say which of the provider's other variants can.
    const alternative = variants.find(
      (variant) =>
        variant.model !== model && checkVariant(operation, variant, profile, who(variant)).length === 0,
    );
    if (alternative) {
      return {
        reasons: reasons.map((reason) => ({
          ...reason,
          code: 'invalid_input',
          message: `${reason.message}; ${alternative.model} can serve this request`,
        })),
      };
    }
  }
  return { reasons };
}

export interface RouteOptions<Operation extends OperationName> {
  adapters: readonly BackdropAdapter[];
  profile: ProfileOf<Operation>;
  provider?: string | undefined;
  model?: string | undefined;
  /** The caller's per-provider options, keyed by provider id. */
  providerOptions?: Record<string, unknown> | undefined;
}

/**
 * The providers that can serve a request, in order of preference: the explicit provider, or
 * every configured one whose declared capabilities the request satisfies. When none can, an
 * error says why each declined: `invalid_input` when the one provider asked for rejects a value,
 * `unsupported` otherwise.
 */
export function routeRequest<Operation extends OperationName>(
  options: RouteOptions<Operation>,
): RouteCandidate<Operation>[] {
  const { adapters, profile, provider, model, providerOptions } = options;
  const configured = adapters.map((adapter) => adapter.provider);
  const stray = Object.keys(providerOptions ?? {}).find((key) => !configured.includes(key));
  if (stray !== undefined) {
    throw new BackdropError({
      code: 'invalid_input',
      field: `providerOptions.${stray}`,
      message: `providerOptions.${stray}: ${JSON.stringify(stray)} is not a configured provider, so these options would be ignored; configured: ${configured.join(', ')}`,
    });
  }
  let considered = adapters;
  if (provider !== undefined) {
    const chosen = adapters.find((adapter) => adapter.provider === provider);
    if (!chosen) {
      throw new BackdropError({
        code: 'invalid_input',
        field: 'provider',
        message: `provider: ${JSON.stringify(provider)} is not configured; configured: ${adapters.map((adapter) => adapter.provider).join(', ')}`,
      });
    }
    considered = [chosen];
  }

  const operation = profile.operation as Operation;
  const candidates: RouteCandidate<Operation>[] = [];
  const declinations: ProviderDeclination[] = [];
  for (const adapter of considered) {
    const ownOptions = providerOptions?.[adapter.provider];
    const pinned =
      ownOptions === undefined ? undefined : adapter.prepareProviderOptions?.(operation, ownOptions).model;
    const verdict = judgeAdapter(adapter, operation, profile, model ?? pinned);
    if (verdict.accepted) candidates.push({ adapter, variant: verdict.accepted });
    else declinations.push({ provider: adapter.provider, reasons: verdict.reasons });
  }
  if (candidates.length > 0) return candidates;

  const allReasons = declinations.flatMap((declination) => declination.reasons);
  const fields = new Set(allReasons.map((reason) => reason.field));
  const field = fields.size === 1 ? [...fields][0] : undefined;
  if (considered.length === 1 && allReasons.every((reason) => reason.code === 'invalid_input')) {
    throw new BackdropError({
      code: 'invalid_input',
      provider: considered[0]?.provider,
      field: allReasons[0]?.field,
      message: allReasons.map((reason) => reason.message).join('. '),
      declinedBy: declinations,
    });
  }
  const explanation = declinations
    .map((declination) => {
      const name = adapters.find((adapter) => adapter.provider === declination.provider)?.displayName;
      return `${name}: ${declination.reasons.map((reason) => reason.message).join('; ')}`;
    })
    .join('. ');
  throw new BackdropError({
    code: 'unsupported',
    field,
    provider: considered.length === 1 ? considered[0]?.provider : undefined,
    message: `No configured provider can serve this ${profile.operation} request. ${explanation}`,
    declinedBy: declinations,
  });
}
