/** An environment variable where there is one (Node, Bun, Deno's process shim); undefined in browsers. */
export function readEnvironmentVariable(name: string): string | undefined {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return environment?.[name] || undefined;
}

/** The key given, else the environment variable's; undefined when neither is set. */
export function loadApiKey(given: string | undefined, environmentVariable: string): string | undefined {
  return given || readEnvironmentVariable(environmentVariable);
}
