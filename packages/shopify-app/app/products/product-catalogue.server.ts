import type { AdminApi } from '../admin/admin-api.server';
import { collectionsQuery, productMediaQuery, productsPageQuery } from '../admin/admin-operations';
import type { NewItem } from '../jobs/job-store.server';

export interface ProductFilters {
  search: string;
  collection: string;
  vendor: string;
  status: string;
}

export const pageSize = 20;

const quote = (value: string) => `"${value.replace(/["\\]/g, '')}"`;

/** Shopify's product search syntax for the page's filters. */
export function productSearchQuery(filters: ProductFilters): string | undefined {
  const terms: string[] = [];
  if (filters.search.trim()) terms.push(`title:*${filters.search.trim().replace(/[\s"*:\\]+/g, '*')}*`);
  if (filters.collection) terms.push(`collection_id:${filters.collection.split('/').at(-1)}`);
  if (filters.vendor) terms.push(`vendor:${quote(filters.vendor)}`);
  if (filters.status) terms.push(`status:${filters.status.toLowerCase()}`);
  return terms.length > 0 ? terms.join(' AND ') : undefined;
}

export async function listProducts(
  api: AdminApi,
  filters: ProductFilters,
  page: { after?: string | undefined; before?: string | undefined },
) {
  const [{ products }, { collections }] = await Promise.all([
    api.request(productsPageQuery, {
      query: productSearchQuery(filters),
      ...(page.before ? { last: pageSize, before: page.before } : { first: pageSize, after: page.after }),
    }),
    api.request(collectionsQuery),
  ]);
  return {
    pageInfo: products.pageInfo,
    collections: collections.nodes,
    products: products.nodes.map((product) => ({
      id: product.id,
      title: product.title,
      vendor: product.vendor,
      status: product.status,
      images: product.media.nodes.flatMap((media) =>
        media.mediaContentType === 'IMAGE' && 'image' in media && media.image
          ? [{ id: media.id, url: media.image.url, alt: media.alt ?? '' }]
          : [],
      ),
    })),
  };
}

/** The job's items for the chosen products: the featured image only, or every image. */
export async function itemsForProducts(
  api: AdminApi,
  productIds: string[],
  allImages: boolean,
): Promise<NewItem[]> {
  const items: NewItem[] = [];
  for (const productId of productIds) {
    const { product } = await api.request(productMediaQuery, { id: productId });
    if (!product) continue;
    product.media.nodes.forEach((media, position) => {
      if (media.mediaContentType !== 'IMAGE' || !('image' in media) || !media.image) return;
      if (!allImages && position !== 0) return;
      items.push({
        productId: product.id,
        productTitle: product.title,
        originalMediaId: media.id,
        originalUrl: media.image.url,
        originalAlt: media.alt ?? null,
        originalPosition: position,
        originalVariantIds: product.variants.nodes
          .filter((variant) => variant.media.nodes[0]?.id === media.id)
          .map((variant) => variant.id),
      });
    });
  }
  return items;
}
