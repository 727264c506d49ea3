import type { AdapterOutput, BackdropWarning, JsonValue, OperationName } from '@backdrop/core/provider';
import type { FalProviderOptions } from './fal-provider-options.js';

/** One fal request: the endpoint, its input, and what the mapping could not honour exactly. */
export interface FalRequestPlan {
  endpoint: string;
  input: Record<string, unknown>;
  warnings: BackdropWarning[];
  /** Kept on the job handle, for mapping the output (the seed fal used when it reports none). */
  memo: { [key: string]: JsonValue };
}

/** How one normalized operation maps onto fal: request out, output back. */
export interface FalOperationMapping<Call> {
  operation: OperationName;
  toRequest(call: Call, options: FalProviderOptions): FalRequestPlan;
  toOutput(endpoint: string, data: unknown, memo: { [key: string]: JsonValue }): AdapterOutput;
}
