import type { ActionFunctionArgs } from 'react-router';
import { database } from '../db/app-database.server';
import { appServices } from '../services.server';
import { deleteShopData } from '../settings/shop-settings.server';
import { authenticate } from '../shopify.server';

/** Compliance, 48 hours after uninstall: every job, image, setting and session of the shop deleted. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request);
  const { store, runner } = await appServices();
  await runner.stopShop(shop);
  await store.deleteShop(shop);
  await deleteShopData(await database(), shop);
  return new Response();
};
