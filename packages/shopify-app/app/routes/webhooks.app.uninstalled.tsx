import type { ActionFunctionArgs } from 'react-router';
import { appServices } from '../services.server';
import { authenticate, sessionStorage } from '../shopify.server';

/** Idempotent (Shopify may deliver it more than once): sessions removed, the shop's work stopped. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request);
  const sessions = await sessionStorage.findSessionsByShop(shop);
  if (sessions.length > 0) await sessionStorage.deleteSessions(sessions.map((session) => session.id));
  const { store, runner } = await appServices();
  // The queue jobs first (the store's stop forgets which were running), then the items.
  await runner.stopShop(shop);
  await store.stopShop(shop, 'The app was uninstalled');
  return new Response();
};
