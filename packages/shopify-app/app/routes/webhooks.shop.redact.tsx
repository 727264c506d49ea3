import type { ActionFunctionArgs } from 'react-router';
import { database } from '../db/app-database.server';
import { appServices } from '../services.server';
import { deleteShopData } from '../settings/shop-settings.server';
import { authenticate } from '../shopify.server';

/** Compliance, 48 hours after uninstall: every job, image, setting and session of the shop deleted. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request);
  const { store, runner } = appServices();
  runner.stopShop(shop);
  store.deleteShop(shop);
  deleteShopData(database(), shop);
  return new Response();
};
