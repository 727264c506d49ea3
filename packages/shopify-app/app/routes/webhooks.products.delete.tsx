import type { ActionFunctionArgs } from 'react-router';
import { appServices } from '../services.server';
import { authenticate } from '../shopify.server';

/** A deleted product's items that were not written are skipped (nothing left to write them to). */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, payload } = await authenticate.webhook(request);
  const id = (payload as { id?: number | string }).id;
  if (id !== undefined) await (await appServices()).store.skipProduct(shop, `gid://shopify/Product/${id}`);
  return new Response();
};
