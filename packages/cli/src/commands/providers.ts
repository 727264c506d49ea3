import type { Command } from '../cli-arguments.js';
import { createAdapters } from '../cli-providers.js';

const operationNames = {
  removeBackground: 'remove',
  replaceBackground: 'replace',
  removeVideoBackground: 'video',
  connectRealtimeVideo: 'live video',
} as const;

export async function run(command: Extract<Command, { name: 'providers' }>): Promise<number> {
  const adapters = await createAdapters(undefined);
  const providers = adapters.map((adapter) => ({
    provider: adapter.provider,
    displayName: adapter.displayName,
    operations: Object.entries(adapter.capabilities)
      .filter(([, variants]) => Array.isArray(variants) && variants.length > 0)
      .map(([operation, variants]) => ({
        operation: operationNames[operation as keyof typeof operationNames] ?? operation,
        models: (variants as Array<{ model: string }>).map((variant) => variant.model),
      })),
  }));
  if (command.json) {
    process.stdout.write(`${JSON.stringify({ providers })}\n`);
    return 0;
  }
  const lines = providers.map(
    (entry) =>
      `${entry.provider.padEnd(12)}${entry.operations.map((operation) => `${operation.operation} (${operation.models.join(', ')})`).join('; ')}`,
  );
  process.stdout.write(`Configured providers, in the order they are tried:\n${lines.join('\n')}\n`);
  return 0;
}
