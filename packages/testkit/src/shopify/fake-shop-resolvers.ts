import sharp from 'sharp';
import {
  applyMoves,
  type FakeMedia,
  type FakeProduct,
  type FakeShopState,
  type FakeVariant,
  newId,
} from './fake-shop-state.js';

/** What resolvers need from the server around them. */
export interface ResolverContext {
  state: FakeShopState;
  origin: string;
  pollsUntilReady: number;
  /** userErrors to answer instead of running the next call of a mutation, by its field name. */
  injectedUserErrors: Map<string, Array<{ field: string[] | null; message: string; code?: string }>>;
}

type Arguments = Record<string, unknown>;
type UserError = { field: string[] | null; message: string; code?: string | null };

function connection<Item>(items: readonly Item[], args: Arguments) {
  const after = typeof args.after === 'string' ? decodeCursor(args.after) : -1;
  const before = typeof args.before === 'string' ? decodeCursor(args.before) : items.length;
  let start = after + 1;
  let end = before;
  if (typeof args.first === 'number') end = Math.min(end, start + args.first);
  else if (typeof args.last === 'number') start = Math.max(start, end - args.last);
  const page = items.slice(start, end);
  const edges = page.map((node, offset) => ({ cursor: encodeCursor(start + offset), node }));
  return {
    nodes: page,
    edges,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

const encodeCursor = (index: number) => Buffer.from(`cursor:${index}`).toString('base64');
const decodeCursor = (cursor: string) => Number(Buffer.from(cursor, 'base64').toString().split(':')[1] ?? -1);

/** Shopify's search syntax, the part the app uses: title, vendor, status, collection_id, bare words. */
function matchesQuery(product: FakeProduct, query: string | undefined): boolean {
  if (!query) return true;
  const terms = query.match(/(\w+):("[^"]*"|'[^']*'|\S+)|"[^"]*"|\S+/g) ?? [];
  return terms.every((term) => {
    const match = /^(\w+):(.*)$/.exec(term);
    const unquote = (value: string) => value.replace(/^["']|["']$/g, '').toLowerCase();
    if (!match) return product.title.toLowerCase().includes(unquote(term).replace(/\*/g, ''));
    const [, key, rawValue = ''] = match;
    const value = unquote(rawValue);
    if (key === 'title') return wildcard(product.title.toLowerCase(), value);
    if (key === 'vendor') return product.vendor.toLowerCase() === value;
    if (key === 'status') return product.status.toLowerCase() === value;
    if (key === 'collection_id') return product.collectionIds.some((id) => id.endsWith(`/${value}`));
    return true;
  });
}

function wildcard(text: string, pattern: string): boolean {
  if (!pattern.includes('*')) return text === pattern;
  const expression = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return expression.test(text);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createRoot(context: ResolverContext) {
  const { state } = context;

  /** Reading a PROCESSING media advances it: Shopify finishes processing after a while. */
  function touch(media: FakeMedia): FakeMedia {
    if (media.status === 'PROCESSING' || media.status === 'UPLOADED') {
      media.status = 'PROCESSING';
      if (media.pollsUntilReady <= 0) media.status = 'READY';
      else media.pollsUntilReady -= 1;
    }
    return media;
  }

  function mediaNode(media: FakeMedia) {
    touch(media);
    const ready = media.status === 'READY';
    return {
      __typename: 'MediaImage',
      id: media.id,
      alt: media.alt,
      mediaContentType: 'IMAGE',
      status: media.status,
      fileStatus: media.status,
      mimeType: media.mimeType,
      createdAt: media.createdAt,
      updatedAt: media.createdAt,
      mediaErrors:
        media.status === 'FAILED'
          ? [{ code: 'UNSUPPORTED_IMAGE_FILE_TYPE', message: 'Image could not be processed.', details: null }]
          : [],
      mediaWarnings: [],
      fileErrors: [],
      image: ready
        ? {
            id: media.id.replace('MediaImage', 'ImageSource'),
            url: media.url,
            width: media.width,
            height: media.height,
            altText: media.alt,
          }
        : null,
      preview: {
        status: media.status,
        image: ready ? { url: media.url, width: media.width, height: media.height } : null,
      },
    };
  }

  function variantNode(variant: FakeVariant, product: FakeProduct) {
    return {
      __typename: 'ProductVariant',
      id: variant.id,
      title: variant.title,
      displayName: `${product.title} - ${variant.title}`,
      product: () => productNode(product),
      media: (args: Arguments) => {
        const media = variant.mediaId ? state.media.get(variant.mediaId) : undefined;
        return connection(media ? [mediaNode(media)] : [], args);
      },
    };
  }

  function productNode(product: FakeProduct) {
    return {
      __typename: 'Product',
      id: product.id,
      title: product.title,
      handle: product.handle,
      vendor: product.vendor,
      status: product.status,
      featuredMedia: () => {
        const first = product.mediaIds[0];
        const media = first ? state.media.get(first) : undefined;
        return media ? mediaNode(media) : null;
      },
      mediaCount: { count: product.mediaIds.length, precision: 'EXACT' },
      media: (args: Arguments) =>
        connection(
          product.mediaIds.flatMap((id) => {
            const media = state.media.get(id);
            return media ? [mediaNode(media)] : [];
          }),
          args,
        ),
      variants: (args: Arguments) =>
        connection(
          product.variants.map((variant) => variantNode(variant, product)),
          args,
        ),
    };
  }

  function findNode(id: string) {
    const media = state.media.get(id);
    if (media) return mediaNode(media);
    const product = state.products.get(id);
    if (product) return productNode(product);
    for (const candidate of state.products.values()) {
      const variant = candidate.variants.find((entry) => entry.id === id);
      if (variant) return variantNode(variant, candidate);
    }
    return null;
  }

  /** userErrors a test queued for this mutation, if any (the mutation then changes nothing). */
  function injected(field: string): UserError[] | undefined {
    const errors = context.injectedUserErrors.get(field);
    if (errors) context.injectedUserErrors.delete(field);
    return errors?.map((error) => ({ code: null, ...error }));
  }

  async function createMediaFrom(source: string, alt: string): Promise<FakeMedia | string> {
    const staged = [...state.stagedUploads.values()].find(
      (upload) => `${context.origin}/upload/${upload.token}/${upload.fileName}` === source,
    );
    const existing = [...state.media.values()].find((media) => media.url === source);
    const bytes = staged?.uploaded?.bytes ?? existing?.bytes;
    if (staged && !staged.uploaded)
      return 'The staged upload has no file: upload it before using its resourceUrl.';
    if (!bytes) return 'Image URL is invalid';
    const fileName = staged?.fileName ?? existing?.fileName ?? 'image';
    const media = await storeMedia(context, { bytes, fileName, alt, ready: false });
    return media;
  }

  return {
    query: {
      products: (args: Arguments) =>
        connection(
          [...state.products.values()]
            .filter((product) => matchesQuery(product, args.query as string | undefined))
            .sort((a, b) => a.title.localeCompare(b.title))
            .map(productNode),
          args,
        ),
      product: (args: Arguments) => {
        const product = state.products.get(String(args.id));
        return product ? productNode(product) : null;
      },
      collections: (args: Arguments) =>
        connection(
          [...state.collections.values()]
            .sort((a, b) => a.title.localeCompare(b.title))
            .map((collection) => ({
              __typename: 'Collection',
              ...collection,
            })),
          args,
        ),
      node: (args: Arguments) => findNode(String(args.id)),
      nodes: (args: Arguments) => (args.ids as string[]).map(findNode),
      job: (args: Arguments) => {
        const job = state.jobs.get(String(args.id));
        if (!job) return null;
        if (!job.done) {
          // Shopify runs the reorder in the background; here it has finished by the first poll.
          const product = state.products.get(job.productId);
          if (product) product.mediaIds = applyMoves(product.mediaIds, job.moves);
          job.done = true;
        }
        return { __typename: 'Job', id: job.id, done: job.done, query: null };
      },
    },
    mutation: {
      stagedUploadsCreate: (args: Arguments) => {
        const errors = injected('stagedUploadsCreate');
        if (errors) return { stagedTargets: [], userErrors: errors };
        const inputs = args.input as Array<{
          filename: string;
          mimeType: string;
          resource: string;
          fileSize?: string;
        }>;
        const userErrors: UserError[] = [];
        const stagedTargets = inputs.map((input, index) => {
          if (!input.filename)
            userErrors.push({
              field: ['input', String(index), 'filename'],
              message: 'Filename can\u2019t be blank',
            });
          if (input.resource === 'IMAGE' && !input.mimeType.startsWith('image/'))
            userErrors.push({
              field: ['input', String(index), 'mimeType'],
              message: `Mime type ${input.mimeType} is not an image`,
            });
          const token = `${Date.now().toString(36)}${(state.nextId++).toString(36)}`;
          state.stagedUploads.set(token, {
            token,
            fileName: input.filename,
            mimeType: input.mimeType,
            fileSize: input.fileSize === undefined ? undefined : Number(input.fileSize),
            resource: input.resource,
            uploaded: undefined,
          });
          return {
            url: `${context.origin}/upload/${token}`,
            resourceUrl: `${context.origin}/upload/${token}/${input.filename}`,
            parameters: [
              { name: 'key', value: `tmp/${token}/${input.filename}` },
              { name: 'Content-Type', value: input.mimeType },
            ],
          };
        });
        return userErrors.length > 0 ? { stagedTargets: null, userErrors } : { stagedTargets, userErrors };
      },
      productUpdate: async (args: Arguments) => {
        const errors = injected('productUpdate');
        if (errors) return { product: null, userErrors: errors };
        const input = args.product as { id?: string } | undefined;
        const product = input?.id ? state.products.get(input.id) : undefined;
        if (!product)
          return {
            product: null,
            userErrors: [{ field: ['product', 'id'], message: 'Product does not exist' }],
          };
        const mediaInputs =
          (args.media as Array<{ originalSource: string; alt?: string; mediaContentType: string }>) ?? [];
        const userErrors: UserError[] = [];
        for (const [index, input_] of mediaInputs.entries()) {
          if (input_.mediaContentType !== 'IMAGE') {
            userErrors.push({
              field: ['media', String(index), 'mediaContentType'],
              message: 'Only images are supported here',
            });
            continue;
          }
          const created = await createMediaFrom(input_.originalSource, input_.alt ?? '');
          if (typeof created === 'string')
            userErrors.push({ field: ['media', String(index), 'originalSource'], message: created });
          else product.mediaIds.push(created.id);
        }
        return { product: productNode(product), userErrors };
      },
      productReorderMedia: (args: Arguments) => {
        const errors = injected('productReorderMedia');
        if (errors) return { job: null, mediaUserErrors: errors, userErrors: errors };
        const product = state.products.get(String(args.id));
        if (!product) {
          const error = { field: ['id'], message: 'Product does not exist', code: 'PRODUCT_DOES_NOT_EXIST' };
          return { job: null, mediaUserErrors: [error], userErrors: [error] };
        }
        const moves = (args.moves as Array<{ id: string; newPosition: string }>).map((move) => ({
          id: move.id,
          newPosition: Number(move.newPosition),
        }));
        const missing = moves.findIndex((move) => !product.mediaIds.includes(move.id));
        if (missing !== -1) {
          const error = {
            field: ['moves', String(missing), 'id'],
            message: 'Media does not exist on the product',
            code: 'MEDIA_DOES_NOT_EXIST_ON_PRODUCT',
          };
          return { job: null, mediaUserErrors: [error], userErrors: [error] };
        }
        const job = { id: newId(state, 'Job'), productId: product.id, moves, done: false };
        state.jobs.set(job.id, job);
        return {
          job: { __typename: 'Job', id: job.id, done: false, query: null },
          mediaUserErrors: [],
          userErrors: [],
        };
      },
      productVariantsBulkUpdate: (args: Arguments) => {
        const errors = injected('productVariantsBulkUpdate');
        if (errors) return { product: null, productVariants: null, userErrors: errors };
        const product = state.products.get(String(args.productId));
        if (!product)
          return {
            product: null,
            productVariants: null,
            userErrors: [
              { field: ['productId'], message: 'Product does not exist', code: 'PRODUCT_DOES_NOT_EXIST' },
            ],
          };
        const inputs = args.variants as Array<{ id: string; mediaId?: string }>;
        const userErrors: UserError[] = [];
        inputs.forEach((input, index) => {
          if (!product.variants.some((variant) => variant.id === input.id))
            userErrors.push({
              field: ['variants', String(index), 'id'],
              message: 'Product variant does not exist',
              code: 'PRODUCT_VARIANT_DOES_NOT_EXIST',
            });
          if (input.mediaId && !product.mediaIds.includes(input.mediaId))
            userErrors.push({
              field: ['variants', String(index), 'mediaId'],
              message: 'Media does not exist on this product',
              code: 'INVALID_INPUT',
            });
        });
        if (userErrors.length > 0) return { product: null, productVariants: null, userErrors };
        const updated = inputs.map((input) => {
          const variant = product.variants.find((entry) => entry.id === input.id) as FakeVariant;
          if (input.mediaId !== undefined) variant.mediaId = input.mediaId;
          return variantNode(variant, product);
        });
        return { product: productNode(product), productVariants: updated, userErrors };
      },
      fileUpdate: (args: Arguments) => {
        const errors = injected('fileUpdate');
        if (errors) return { files: null, userErrors: errors };
        const inputs = args.files as Array<{
          id: string;
          alt?: string;
          referencesToAdd?: string[];
          referencesToRemove?: string[];
        }>;
        const userErrors: UserError[] = [];
        inputs.forEach((input, index) => {
          const media = state.media.get(input.id);
          if (!media)
            userErrors.push({
              field: ['files', String(index), 'id'],
              message: `File id ${input.id} does not exist.`,
              code: 'FILE_DOES_NOT_EXIST',
            });
          else if (input.referencesToAdd?.length && media.status !== 'READY')
            userErrors.push({
              field: ['files', String(index), 'referencesToAdd'],
              message: 'Non-ready files cannot be updated.',
              code: 'NON_READY_STATE',
            });
          for (const reference of [...(input.referencesToAdd ?? []), ...(input.referencesToRemove ?? [])])
            if (!state.products.has(reference))
              userErrors.push({
                field: ['files', String(index), 'references'],
                message: `Reference ${reference} does not exist.`,
                code: 'REFERENCE_TARGET_DOES_NOT_EXIST',
              });
        });
        if (userErrors.length > 0) return { files: null, userErrors };
        const files = inputs.map((input) => {
          const media = state.media.get(input.id) as FakeMedia;
          if (input.alt !== undefined) media.alt = input.alt;
          for (const productId of input.referencesToRemove ?? []) {
            const product = state.products.get(productId) as FakeProduct;
            product.mediaIds = product.mediaIds.filter((id) => id !== media.id);
            // Removing the reference drops the image from the product's variants too.
            for (const variant of product.variants)
              if (variant.mediaId === media.id) variant.mediaId = undefined;
          }
          for (const productId of input.referencesToAdd ?? []) {
            const product = state.products.get(productId) as FakeProduct;
            if (!product.mediaIds.includes(media.id)) product.mediaIds.push(media.id);
          }
          return mediaNode(media);
        });
        return { files, userErrors };
      },
    },
  };
}

/** Stores an image as a file of the shop, READY at once (seeding) or processing (uploads). */
export async function storeMedia(
  context: Pick<ResolverContext, 'state' | 'origin' | 'pollsUntilReady'>,
  input: { bytes: Uint8Array; fileName: string; alt: string; ready: boolean },
): Promise<FakeMedia> {
  const id = newId(context.state, 'MediaImage');
  const number = id.split('/').at(-1);
  let width = 0;
  let height = 0;
  let format: string | undefined;
  try {
    const metadata = await sharp(input.bytes).metadata();
    width = metadata.width ?? 0;
    height = metadata.height ?? 0;
    format = metadata.format;
  } catch {
    format = undefined;
  }
  const mimeType = format === 'jpeg' ? 'image/jpeg' : format ? `image/${format}` : 'application/octet-stream';
  const media: FakeMedia = {
    id,
    alt: input.alt,
    status: format ? (input.ready ? 'READY' : 'PROCESSING') : 'FAILED',
    pollsUntilReady: context.pollsUntilReady,
    mimeType,
    fileName: input.fileName,
    url: `${context.origin}/cdn/shop/files/${number}/${encodeURIComponent(input.fileName)}`,
    width,
    height,
    bytes: input.bytes,
    createdAt: new Date().toISOString(),
  };
  context.state.media.set(id, media);
  return media;
}
