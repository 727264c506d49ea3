import { TEST_SHOP } from '@shopify/shopify-api/test-helpers';
import { type AdminGraphql, createAdminApi } from '../../app/admin/admin-api.server';
import type { JobStore } from '../../app/jobs/job-store.server';
import { itemsForProducts } from '../../app/products/product-catalogue.server';

/**
 * A background-removal job over the featured images of `productIds`, read through the Admin API
 * as the products page reads them, and saved (not yet queued).
 */
export async function createRemovalJob(options: {
  shopify: { unauthenticated: { admin: (shop: string) => Promise<{ admin: { graphql: AdminGraphql } }> } };
  store: JobStore;
  productIds: string[];
  provider: string;
}) {
  const { admin } = await options.shopify.unauthenticated.admin(TEST_SHOP);
  const items = await itemsForProducts(
    createAdminApi({ shop: TEST_SHOP, graphql: admin.graphql }),
    options.productIds,
    false,
  );
  return options.store.createJob({
    shop: TEST_SHOP,
    operation: { kind: 'remove', background: 'transparent' },
    provider: options.provider,
    estimatedCostUsd: undefined,
    items,
  });
}
