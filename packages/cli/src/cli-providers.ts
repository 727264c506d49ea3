import { type BackdropAdapter, BackdropError } from '@backdrop/core';
import type { ProviderChoice } from './cli-arguments.js';

/** Which providers the environment configures, in the order they are preferred. */
function configuredProviders(environment: NodeJS.ProcessEnv = process.env): ProviderChoice[] {
  const configured: ProviderChoice[] = [];
  if (environment.FAL_KEY || environment.BACKDROP_FAL_PROXY_URL) configured.push('fal');
  if (environment.INFERENCE_API_KEY) configured.push('inferencesh');
  configured.push('local');
  return configured;
}

/**
 * Private hosts the CLI may download from (BACKDROP_ALLOW_PRIVATE_ADDRESSES, comma-separated
 * hosts, addresses or CIDR ranges): an intranet file server, or a test's loopback emulator.
 */
export function privateAddressesAllowed(environment: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const list = environment.BACKDROP_ALLOW_PRIVATE_ADDRESSES?.split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return list && list.length > 0 ? list : undefined;
}

const howToConfigure: Record<ProviderChoice, string> = {
  fal: 'set FAL_KEY (or BACKDROP_FAL_PROXY_URL)',
  inferencesh: 'set INFERENCE_API_KEY',
  local: 'install @imgly/background-removal-data or set BACKDROP_LOCAL_MODEL',
};

/** The adapters to use: the one asked for, else every configured one. Loaded on demand. */
export async function createAdapters(
  choice: ProviderChoice | undefined,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<BackdropAdapter[]> {
  const configured = configuredProviders(environment);
  if (choice && !configured.includes(choice)) {
    throw new BackdropError({
      code: 'invalid_input',
      field: 'provider',
      message: `--provider ${choice} is not configured: ${howToConfigure[choice]}`,
    });
  }
  const adapters: BackdropAdapter[] = [];
  for (const provider of choice ? [choice] : configured) {
    if (provider === 'fal') {
      const { createFal } = await import('@backdrop/fal-adapter');
      adapters.push(
        createFal({
          credentials: environment.FAL_KEY || undefined,
          proxyUrl: environment.BACKDROP_FAL_PROXY_URL || undefined,
        }),
      );
    } else if (provider === 'inferencesh') {
      const { createInferenceSh } = await import('@backdrop/inferencesh-adapter');
      adapters.push(
        createInferenceSh({
          apiKey: environment.INFERENCE_API_KEY,
          baseUrl: environment.BACKDROP_INFERENCE_BASE_URL || undefined,
        }),
      );
    } else {
      const { createLocal } = await import('@backdrop/local-adapter');
      adapters.push(createLocal());
    }
  }
  return adapters;
}
