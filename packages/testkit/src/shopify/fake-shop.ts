import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type DocumentNode,
  execute,
  type GraphQLError,
  getOperationAST,
  Kind,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { readBody, sendJson } from '../http-helpers.js';
import { actualQueryCost, LeakyBucket, requestedQueryCost } from './fake-shop-cost.js';
import { createRoot, type ResolverContext, storeMedia } from './fake-shop-resolvers.js';
import { adminSchema } from './fake-shop-schema.js';
import { createState, type FakeProduct, type FakeShopState, newId } from './fake-shop-state.js';

export interface FakeShopOptions {
  /** The shop's domain (default test-shop.myshopify.com, the Shopify test helpers' TEST_SHOP). */
  shop?: string;
  /** The access token calls must carry (any non-empty token when undefined). */
  accessToken?: string;
  /** Leaky bucket: Shopify's standard plan is 2000 points restored at 100 per second. */
  maximumAvailable?: number;
  restoreRate?: number;
  /** How many status reads a new media answers PROCESSING before READY (default 1). */
  pollsUntilReady?: number;
}

/** One GraphQL call the fake shop received, as the tests inspect it call by call. */
export interface FakeShopCall {
  operationName: string | undefined;
  /** The root fields called, for example ["productUpdate"]. */
  fields: string[];
  variables: Record<string, unknown>;
  requestedCost: number;
  /** What was charged in the end (undefined when throttled or rejected). */
  actualCost?: number;
  throttled: boolean;
  /** The bucket as the answer reported it. */
  throttleStatus?: ReturnType<LeakyBucket['status']>;
  errors: readonly string[];
}

export interface SampleProductInput {
  title: string;
  vendor?: string;
  status?: FakeProduct['status'];
  collections?: string[];
  images: Array<{ bytes: Uint8Array; fileName: string; alt?: string }>;
  /** Each variant's title and the index of the image it shows (or none). */
  variants?: Array<{ title: string; image?: number }>;
}

export interface FakeShop {
  readonly origin: string;
  readonly shop: string;
  readonly state: FakeShopState;
  readonly calls: FakeShopCall[];
  readonly bucket: LeakyBucket;
  /** The next call of this mutation answers these userErrors and changes nothing. */
  injectUserErrors(
    mutation: string,
    errors: Array<{ field: string[] | null; message: string; code?: string }>,
  ): void;
  addProduct(input: SampleProductInput): Promise<FakeProduct>;
  /** A product's gallery as [mediaId, alt, url] rows, and which media each variant shows. */
  describeProduct(productId: string): {
    media: Array<{ id: string; alt: string; url: string; status: string }>;
    variants: Array<{ id: string; mediaId: string | undefined }>;
  };
  close(): Promise<void>;
}

/**
 * A fake Shopify shop: the subset of the Admin GraphQL API (2025-10) Backdrop's app uses, executed
 * with graphql-js against Shopify's pinned schema (so an operation Shopify would reject is rejected
 * here), the staged-upload target, a CDN for the files, and the cost-based leaky bucket.
 */
export async function startFakeShop(options: FakeShopOptions = {}): Promise<FakeShop> {
  const schema = adminSchema();
  const shop = options.shop ?? 'test-shop.myshopify.com';
  const state = createState();
  const calls: FakeShopCall[] = [];
  const bucket = new LeakyBucket(options.maximumAvailable ?? 2000, options.restoreRate ?? 100);
  const context: ResolverContext = {
    state,
    origin: '',
    pollsUntilReady: options.pollsUntilReady ?? 1,
    injectedUserErrors: new Map(),
  };
  const root = createRoot(context);

  async function graphqlCall(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const token = request.headers['x-shopify-access-token'];
    if (!token || (options.accessToken !== undefined && token !== options.accessToken)) {
      sendJson(response, 401, {
        errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
      });
      return;
    }
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse((await readBody(request)).toString('utf8'));
    } catch {
      sendJson(response, 400, { errors: { query: 'Required parameter missing or invalid' } });
      return;
    }
    if (typeof body.query !== 'string') {
      sendJson(response, 400, { errors: { query: 'Required parameter missing or invalid' } });
      return;
    }
    const variables = (body.variables ?? {}) as Record<string, unknown>;
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      answerErrors(response, [error as GraphQLError], undefined, variables);
      return;
    }
    const operation = getOperationAST(
      document,
      typeof body.operationName === 'string' ? body.operationName : undefined,
    );
    const validationErrors = validate(schema, document, specifiedRules);
    if (validationErrors.length > 0 || !operation) {
      answerErrors(response, validationErrors, operation?.name?.value, variables, document);
      return;
    }
    const fields = operation.selectionSet.selections.flatMap((selection) =>
      selection.kind === Kind.FIELD ? [selection.name.value] : [],
    );
    const cost = requestedQueryCost(schema, document, variables);
    const call: FakeShopCall = {
      operationName: operation.name?.value,
      fields,
      variables,
      requestedCost: cost,
      throttled: false,
      errors: [],
    };
    calls.push(call);
    if (!bucket.take(cost)) {
      call.throttled = true;
      call.throttleStatus = bucket.status();
      // Shopify answers a throttled request with HTTP 200, an error coded THROTTLED and the bucket.
      sendJson(response, 200, {
        errors: [
          {
            message: 'Throttled',
            extensions: {
              code: 'THROTTLED',
              documentation: 'https://shopify.dev/api/usage/rate-limits',
            },
          },
        ],
        extensions: {
          cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: call.throttleStatus },
        },
      });
      return;
    }
    const result = await execute({
      schema,
      document,
      rootValue: operation.operation === 'mutation' ? root.mutation : root.query,
      variableValues: variables,
      operationName: operation.name?.value,
      typeResolver: (value) => (value as { __typename?: string }).__typename,
    });
    call.errors = (result.errors ?? []).map((error) => error.message);
    // Shopify charges what the query really returned and refunds the rest of the requested cost.
    const actual = Math.min(cost, actualQueryCost(schema, document, result.data as Record<string, unknown>));
    bucket.refund(cost - actual);
    call.actualCost = actual;
    sendJson(response, 200, {
      ...(result.errors ? { errors: result.errors.map((error) => error.toJSON()) } : {}),
      data: result.data ?? null,
      extensions: {
        cost: { requestedQueryCost: cost, actualQueryCost: actual, throttleStatus: bucket.status() },
      },
    });
  }

  function answerErrors(
    response: ServerResponse,
    errors: readonly GraphQLError[],
    operationName: string | undefined,
    variables: Record<string, unknown>,
    document?: DocumentNode,
  ): void {
    const messages = errors.map((error) => error.message);
    calls.push({
      operationName,
      fields: [],
      variables,
      requestedCost: 0,
      throttled: false,
      errors: document ? messages : messages,
    });
    sendJson(response, 200, {
      errors: errors.map((error) => ({
        ...error.toJSON(),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      })),
    });
  }

  async function upload(request: IncomingMessage, response: ServerResponse, token: string): Promise<void> {
    const staged = state.stagedUploads.get(token);
    if (!staged) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('no such staged upload');
      return;
    }
    const raw = await readBody(request);
    let bytes: Uint8Array;
    let contentType: string;
    if (request.method === 'PUT') {
      bytes = new Uint8Array(raw);
      contentType = String(request.headers['content-type'] ?? '');
    } else {
      // The POST form: every parameter stagedUploadsCreate returned, then the file, last.
      const form = await new Response(new Uint8Array(raw), {
        headers: { 'content-type': String(request.headers['content-type'] ?? '') },
      }).formData();
      if (form.get('key') !== `tmp/${token}/${staged.fileName}`) {
        response
          .writeHead(400, { 'content-type': 'text/plain' })
          .end('the key parameter is missing or wrong');
        return;
      }
      const file = form.get('file');
      if (!(file instanceof Blob)) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('the form has no file field');
        return;
      }
      bytes = new Uint8Array(await file.arrayBuffer());
      contentType = String(form.get('Content-Type') ?? file.type);
    }
    if (contentType !== staged.mimeType) {
      response
        .writeHead(400, { 'content-type': 'text/plain' })
        .end(`content type ${contentType} is not ${staged.mimeType}`);
      return;
    }
    if (staged.fileSize !== undefined && staged.fileSize !== bytes.byteLength) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('the file size differs from fileSize');
      return;
    }
    staged.uploaded = { bytes, contentType };
    response.writeHead(request.method === 'PUT' ? 200 : 201).end();
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const handle = async () => {
      if (request.method === 'POST' && url.pathname === '/admin/api/2025-10/graphql.json')
        return graphqlCall(request, response);
      const uploadMatch = /^\/upload\/([^/]+)$/.exec(url.pathname);
      if (uploadMatch && (request.method === 'POST' || request.method === 'PUT'))
        return upload(request, response, uploadMatch[1] as string);
      if (request.method === 'GET' && url.pathname.startsWith('/cdn/shop/files/')) {
        const media = [...state.media.values()].find((entry) => new URL(entry.url).pathname === url.pathname);
        if (!media) {
          response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        response.writeHead(200, {
          'content-type': media.mimeType,
          'content-length': String(media.bytes.byteLength),
          'access-control-allow-origin': '*',
          'cache-control': 'public, max-age=31536000',
        });
        response.end(media.bytes);
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    };
    handle().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: String(error) }] });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  context.origin = origin;

  return {
    origin,
    shop,
    state,
    calls,
    bucket,
    injectUserErrors(mutation, errors) {
      context.injectedUserErrors.set(mutation, errors);
    },
    async addProduct(input) {
      const product: FakeProduct = {
        id: newId(state, 'Product'),
        title: input.title,
        handle: input.title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        vendor: input.vendor ?? 'Backdrop Demo',
        status: input.status ?? 'ACTIVE',
        collectionIds: [],
        mediaIds: [],
        variants: [],
      };
      for (const title of input.collections ?? []) {
        let collection = [...state.collections.values()].find((entry) => entry.title === title);
        if (!collection) {
          collection = { id: newId(state, 'Collection'), title };
          state.collections.set(collection.id, collection);
        }
        product.collectionIds.push(collection.id);
      }
      for (const image of input.images) {
        const media = await storeMedia(context, { ...image, alt: image.alt ?? '', ready: true });
        product.mediaIds.push(media.id);
      }
      for (const variant of input.variants ?? [{ title: 'Default Title' }]) {
        product.variants.push({
          id: newId(state, 'ProductVariant'),
          title: variant.title,
          mediaId: variant.image === undefined ? undefined : product.mediaIds[variant.image],
        });
      }
      state.products.set(product.id, product);
      return product;
    },
    describeProduct(productId) {
      const product = state.products.get(productId);
      if (!product) throw new Error(`no product ${productId}`);
      return {
        media: product.mediaIds.map((id) => {
          const media = state.media.get(id);
          return { id, alt: media?.alt ?? '', url: media?.url ?? '', status: media?.status ?? 'missing' };
        }),
        variants: product.variants.map((variant) => ({ id: variant.id, mediaId: variant.mediaId })),
      };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
