/**
 * Where Admin API calls go instead of https://<shop> (the testkit's fake shops in the demo, tests
 * and benchmarks). SHOPIFY_ADMIN_API_ORIGIN is one origin for every shop, or
 * `shop-a.myshopify.com=http://…,shop-b.myshopify.com=http://…` for one per shop.
 */
export interface AdminOrigins {
  originFor(shop: string): string | undefined;
  /** Their hosts: product images are downloaded from them as from Shopify's CDN. */
  readonly hosts: string[];
}

export function parseAdminOrigins(setting: string): AdminOrigins {
  if (!setting.includes('=')) {
    const origin = new URL(setting).origin;
    return { originFor: () => origin, hosts: [new URL(origin).host] };
  }
  const byShop = new Map(
    setting.split(',').map((entry) => {
      const [shop = '', origin = ''] = entry.split('=').map((part) => part.trim());
      return [shop, new URL(origin).origin] as const;
    }),
  );
  return {
    originFor: (shop) => byShop.get(shop),
    hosts: [...new Set([...byShop.values()].map((origin) => new URL(origin).host))],
  };
}

/**
 * `https://<shop>/admin/api/...` becomes `<origin>/admin/api/...`. Shopify's client always builds
 * the https://<shop> URL, so the rewrite happens in the fetch it is given.
 */
export function createAdminOriginFetch(
  origins: AdminOrigins,
  fetchFunction: typeof fetch = globalThis.fetch,
): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const origin = url.pathname.startsWith('/admin/') ? origins.originFor(url.hostname) : undefined;
    if (url.hostname.endsWith('.myshopify.com') && origin) {
      const rewritten = new URL(`${url.pathname}${url.search}`, origin);
      return input instanceof Request
        ? fetchFunction(new Request(rewritten, input), init)
        : fetchFunction(rewritten, init);
    }
    return fetchFunction(input, init);
  };
}
