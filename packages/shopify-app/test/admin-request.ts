import {
  API_KEY,
  API_SECRET_KEY,
  RequestType,
  setUpValidRequest,
  TEST_SHOP_NAME,
} from '@shopify/shopify-api/test-helpers';

const appUrl = 'https://my-test-app.myshopify.io';

/** A document request from the Shopify admin (embedded, with a signed id_token), as a loader gets it. */
export function adminPageRequest(path: string): Promise<Request> {
  return setUpValidRequest(
    { type: RequestType.Admin, store: TEST_SHOP_NAME, apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(`${appUrl}${path}`),
  );
}

/** A form post from the embedded page (App Bridge adds the session token as a bearer header). */
export function adminFormRequest(path: string, fields: Record<string, string | string[]>): Promise<Request> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields))
    for (const entry of Array.isArray(value) ? value : [value]) form.append(name, entry);
  return setUpValidRequest(
    { type: RequestType.Bearer, store: TEST_SHOP_NAME, apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(`${appUrl}${path}`, { method: 'POST', body: form }),
  );
}

/** Calls a route module's loader or action the way React Router does. */
export function routeArgs(request: Request, params: Record<string, string> = {}) {
  return { request, params, context: {}, unstable_pattern: '' } as never;
}
