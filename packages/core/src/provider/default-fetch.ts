/** The global fetch, called unbound so a browser's fetch never runs with another `this`. */
const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/**
 * The fetch to use: the one given, else the global one. `createBackdrop({ fetch })` passes its
 * fetch to every adapter call (`context.fetch`); an adapter's own `fetch` option wins over it.
 */
export function resolveFetch(...candidates: Array<typeof fetch | undefined>): typeof fetch {
  for (const candidate of candidates) {
    if (candidate && candidate !== globalFetch) return candidate;
  }
  return globalFetch;
}

/** True when nobody chose a fetch: an adapter may then use a better default of its own (a keep-alive agent). */
export function isDefaultFetch(candidate: typeof fetch | undefined): boolean {
  return candidate === undefined || candidate === globalFetch;
}
