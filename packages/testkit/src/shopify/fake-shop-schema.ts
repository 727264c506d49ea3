import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';

let cached: GraphQLSchema | undefined;

/** Shopify's Admin GraphQL schema 2025-10, pinned in codegen/specs/shopify (an introspection result). */
export function adminSchema(): GraphQLSchema {
  if (cached) return cached;
  const path = fileURLToPath(
    new URL('../../../../codegen/specs/shopify/admin-2025-10.introspection.json.gz', import.meta.url),
  );
  const introspection = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as {
    data: IntrospectionQuery;
  };
  cached = buildClientSchema(introspection.data);
  return cached;
}
