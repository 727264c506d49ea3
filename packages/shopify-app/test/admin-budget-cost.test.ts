import { adminSchema, requestedQueryCost } from '@backdrop/testkit';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as operations from '../app/admin/admin-operations';
import { expectedQueryCost, rememberQueryCost } from '../app/admin/expected-query-cost.server';
import { estimateQueryCost, unreadableQueryCost } from '../app/admin/query-cost-estimate.server';

// Variables as the app sends them: page sizes matter, ids and inputs do not.
const sampleVariables: Record<string, Record<string, unknown>> = {
  productsPageQuery: { first: 20, query: 'title:mug*' },
  productMediaQuery: { id: 'gid://shopify/Product/1' },
  mediaStatusQuery: { ids: ['gid://shopify/MediaImage/1', 'gid://shopify/MediaImage/2'] },
};

describe('first guess at a call’s cost', () => {
  it.each(Object.entries(operations))('%s: the same as Shopify’s documented calculator', (name, source) => {
    const variables = sampleVariables[name] ?? {};
    expect(estimateQueryCost(source, variables)).toBe(
      requestedQueryCost(adminSchema(), parse(source.replace('#graphql', '')), variables),
    );
  });

  it('follows the page size a variable asks for, fragments, aliases and edges', () => {
    const source = `query Page($count: Int) {
      shop { name }
      first: products(first: $count) { edges { cursor node { ...Item } } }
      last: products(last: 3) { nodes { id } }
    }
    fragment Item on Product { title featuredMedia { id } }`;
    expect(estimateQueryCost(source, { count: 10 })).toBe(1 + (2 + 10 * (1 + 1)) + (2 + 3 * 1));
    expect(estimateQueryCost(source, { count: 10 })).toBe(
      requestedQueryCost(adminSchema(), parse(source), { count: 10 }),
    );
  });

  it('falls back to a conservative guess for a document it cannot read', () => {
    expect(estimateQueryCost('query { products(first: 5) { nodes { id }')).toBe(unreadableQueryCost);
    expect(estimateQueryCost('mutation { broken(')).toBe(10);
  });

  it('prefers what Shopify asked last time for the same operation and page sizes', () => {
    const source = 'query Remembered($first: Int) { products(first: $first) { nodes { id } } }';
    expect(expectedQueryCost(source, { first: 5 })).toBe(7);
    rememberQueryCost(source, { first: 5 }, 12);
    expect(expectedQueryCost(source, { first: 5 })).toBe(12);
    expect(expectedQueryCost(source, { first: 6 })).toBe(8);
  });
});
