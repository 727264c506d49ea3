/**
 * Sends Admin API calls to another implementation of the API (the testkit's fake shop in the demo
 * and the tests): `https://<shop>/admin/api/...` becomes `<origin>/admin/api/...`. Shopify's client
 * always builds the https://<shop> URL, so the rewrite happens in the fetch it is given.
 */
export function createAdminOriginFetch(
  origin: string,
  fetchFunction: typeof fetch = globalThis.fetch,
): typeof fetch {
  const target = new URL(origin);
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname.endsWith('.myshopify.com') && url.pathname.startsWith('/admin/')) {
      const rewritten = new URL(`${url.pathname}${url.search}`, target);
      return input instanceof Request
        ? fetchFunction(new Request(rewritten, input), init)
        : fetchFunction(rewritten, init);
    }
    return fetchFunction(input, init);
  };
}
