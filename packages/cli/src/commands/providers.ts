import type { Command } from '../cli-arguments.js';
import { createAdapters } from '../cli-providers.js';

/** Why the local engine cannot run, or undefined when it has a model. */
async function localModelMissing(): Promise<string | undefined> {
  const { hasLocalModel, modelInstallHint } = await import('@backdrop/local-adapter');
  return hasLocalModel() ? undefined : `no model installed; ${modelInstallHint}`;
}

const operationNames = {
  removeBackground: 'remove',
  replaceBackground: 'replace',
  removeVideoBackground: 'video',
  connectRealtimeVideo: 'live video',
} as const;

export async function run(command: Extract<Command, { name: 'providers' }>): Promise<number> {
  const adapters = await createAdapters(undefined);
  // The local engine is always configured, but runs only with a model installed.
  const localUnavailable = adapters.some((adapter) => adapter.provider === 'local')
    ? await localModelMissing()
    : undefined;
  const providers = adapters.map((adapter) => {
    const unavailableReason = adapter.provider === 'local' ? localUnavailable : undefined;
    return {
      provider: adapter.provider,
      displayName: adapter.displayName,
      available: unavailableReason === undefined,
      ...(unavailableReason ? { unavailableReason } : {}),
      operations: Object.entries(adapter.capabilities)
        .filter(([, variants]) => Array.isArray(variants) && variants.length > 0)
        .map(([operation, variants]) => ({
          operation: operationNames[operation as keyof typeof operationNames] ?? operation,
          models: (variants as Array<{ model: string }>).map((variant) => variant.model),
        })),
    };
  });
  if (command.json) {
    process.stdout.write(`${JSON.stringify({ providers })}\n`);
    return 0;
  }
  const lines = providers.map((entry) =>
    entry.unavailableReason
      ? `${entry.provider.padEnd(12)}unavailable: ${entry.unavailableReason}`
      : `${entry.provider.padEnd(12)}${entry.operations.map((operation) => `${operation.operation} (${operation.models.join(', ')})`).join('; ')}`,
  );
  process.stdout.write(`Configured providers, in the order they are tried:\n${lines.join('\n')}\n`);
  return 0;
}
