import { type AdminApi, AdminApiError, assertNoUserErrors } from '../admin/admin-api.server';
import {
  fileReferencesMutation,
  jobStatusQuery,
  mediaStatusQuery,
  productAttachMediaMutation,
  productMediaQuery,
  productReorderMediaMutation,
  stagedUploadsCreateMutation,
  variantsSetMediaMutation,
} from '../admin/admin-operations';

/** What write-back and revert read and record about one image; the job store persists it. */
export interface MediaSwap {
  productId: string;
  originalMediaId: string;
  originalAlt: string | null;
  originalPosition: number;
  originalVariantIds: string[];
  newMediaId: string | null;
  /** The last step done; a restart continues after it. */
  step: string | null;
  mediaBeforeAttach: string[] | null;
}

export interface SwapProgress {
  /** Persist these fields before going on (so a crash right after never redoes a step). */
  save(changes: Partial<MediaSwap>): Promise<void>;
}

export interface MediaWriterOptions {
  api: AdminApi;
  fetch?: typeof fetch;
  sleep?: (milliseconds: number) => Promise<void>;
  /** Status polls before giving up on a media that never becomes READY (default 60). */
  maxPolls?: number;
  pollIntervalMs?: number;
}

export function createMediaWriter(options: MediaWriterOptions) {
  const { api } = options;
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const sleep =
    options.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)));
  const maxPolls = options.maxPolls ?? 60;
  const pollIntervalMs = options.pollIntervalMs ?? 500;

  async function readProduct(productId: string) {
    const { product } = await api.request(productMediaQuery, { id: productId });
    if (!product) throw new AdminApiError('The product no longer exists in the shop', 'user_errors');
    return {
      mediaIds: product.media.nodes.map((media) => media.id),
      media: product.media.nodes,
      variants: product.variants.nodes.map((variant) => ({
        id: variant.id,
        mediaId: variant.media.nodes[0]?.id,
      })),
    };
  }

  /** Uploads bytes to a staged target and returns the resourceUrl to attach. */
  async function stage(bytes: Uint8Array, fileName: string, mimeType: string): Promise<string> {
    const { stagedUploadsCreate } = await api.request(stagedUploadsCreateMutation, {
      input: [
        {
          filename: fileName,
          mimeType,
          resource: 'IMAGE',
          httpMethod: 'POST',
          fileSize: String(bytes.byteLength),
        },
      ],
    });
    assertNoUserErrors('prepare the upload', stagedUploadsCreate?.userErrors);
    const target = stagedUploadsCreate?.stagedTargets?.[0];
    if (!target?.url || !target.resourceUrl)
      throw new AdminApiError('Shopify returned no upload target', 'graphql');
    const form = new FormData();
    for (const parameter of target.parameters) form.append(parameter.name, parameter.value);
    form.append('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), fileName);
    const response = await fetchFunction(target.url, { method: 'POST', body: form });
    if (!response.ok)
      throw new AdminApiError(`The upload to Shopify's storage failed (HTTP ${response.status})`, 'http');
    return target.resourceUrl;
  }

  async function waitUntilReady(mediaId: string): Promise<void> {
    for (let poll = 0; poll < maxPolls; poll++) {
      const { nodes } = await api.request(mediaStatusQuery, { ids: [mediaId] });
      const media = nodes[0] as { status?: string; mediaErrors?: Array<{ message: string }> } | null;
      if (media?.status === 'READY') return;
      if (media?.status === 'FAILED')
        throw new AdminApiError(
          `Shopify could not process the new image: ${media.mediaErrors?.map((error) => error.message).join('; ') || 'no reason given'}`,
          'user_errors',
        );
      await sleep(pollIntervalMs);
    }
    throw new AdminApiError(`The new image was still processing after ${maxPolls} checks`, 'graphql');
  }

  async function moveTo(productId: string, mediaId: string, position: number): Promise<void> {
    const { productReorderMedia } = await api.request(productReorderMediaMutation, {
      id: productId,
      moves: [{ id: mediaId, newPosition: String(position) }],
    });
    assertNoUserErrors('reorder the product images', productReorderMedia?.mediaUserErrors);
    const jobId = productReorderMedia?.job?.id;
    for (let poll = 0; jobId && poll < maxPolls; poll++) {
      const { job } = await api.request(jobStatusQuery, { id: jobId });
      if (!job || job.done) return;
      await sleep(pollIntervalMs);
    }
    if (jobId) throw new AdminApiError('Shopify had not finished reordering the images', 'graphql');
  }

  async function pointVariants(productId: string, variantIds: string[], mediaId: string): Promise<void> {
    if (variantIds.length === 0) return;
    const { productVariantsBulkUpdate } = await api.request(variantsSetMediaMutation, {
      productId,
      variants: variantIds.map((id) => ({ id, mediaId })),
    });
    assertNoUserErrors('re-point the variants', productVariantsBulkUpdate?.userErrors);
  }

  async function setReference(mediaId: string, productId: string, change: 'add' | 'remove'): Promise<void> {
    const { fileUpdate } = await api.request(fileReferencesMutation, {
      files: [
        change === 'add'
          ? { id: mediaId, referencesToAdd: [productId] }
          : { id: mediaId, referencesToRemove: [productId] },
      ],
    });
    assertNoUserErrors(
      change === 'add' ? 'attach the image again' : 'detach the image',
      fileUpdate?.userErrors,
    );
  }

  return {
    /**
     * Replaces the original with the result: staged upload → productUpdate(media) → READY → move to
     * the original's position → re-point its variants → detach the original (its file stays in the
     * shop's Files, with its bytes, for revert). The original's alt, position and variants are read
     * fresh and saved first, so revert restores what was really there.
     */
    async writeBack(
      swap: MediaSwap,
      result: { bytes: Uint8Array; fileName: string; mimeType: string },
      progress: SwapProgress,
    ): Promise<MediaSwap> {
      const state = { ...swap };
      const save = async (changes: Partial<MediaSwap>) => {
        Object.assign(state, changes);
        await progress.save(changes);
      };
      let justRead: string[] | undefined;
      if (state.step === null || state.step === 'reverted') {
        const product = await readProduct(state.productId);
        justRead = product.mediaIds;
        const position = product.mediaIds.indexOf(state.originalMediaId);
        if (position === -1)
          throw new AdminApiError(
            'The original image is no longer on the product: nothing was changed',
            'user_errors',
          );
        const original = product.media[position];
        await save({
          originalPosition: position,
          originalAlt: original?.alt ?? null,
          originalVariantIds: product.variants
            .filter((variant) => variant.mediaId === state.originalMediaId)
            .map((variant) => variant.id),
          mediaBeforeAttach: product.mediaIds,
          newMediaId: null,
          step: 'attaching',
        });
      }
      if (state.step === 'attaching') {
        // Resumed here after a restart, the media may already be attached: adopt it instead of adding
        // it twice. (A run that just read the product skips the second read.)
        const mediaNow = justRead ?? (await readProduct(state.productId)).mediaIds;
        let newMediaId = mediaNow.find((id) => !(state.mediaBeforeAttach ?? []).includes(id));
        if (!newMediaId) {
          const resourceUrl = await stage(result.bytes, result.fileName, result.mimeType);
          const { productUpdate } = await api.request(productAttachMediaMutation, {
            product: { id: state.productId },
            media: [{ originalSource: resourceUrl, alt: state.originalAlt ?? '', mediaContentType: 'IMAGE' }],
          });
          assertNoUserErrors('attach the new image', productUpdate?.userErrors);
          newMediaId = productUpdate?.product?.media.nodes
            .map((media) => media.id)
            .find((id) => !(state.mediaBeforeAttach ?? []).includes(id));
          if (!newMediaId) throw new AdminApiError('Shopify did not return the new image', 'graphql');
        }
        await save({ newMediaId, step: 'attached' });
      }
      const newMediaId = state.newMediaId as string;
      if (state.step === 'attached') {
        await waitUntilReady(newMediaId);
        await save({ step: 'ready' });
      }
      if (state.step === 'ready') {
        await moveTo(state.productId, newMediaId, state.originalPosition);
        await save({ step: 'moved' });
      }
      if (state.step === 'moved') {
        await pointVariants(state.productId, state.originalVariantIds, newMediaId);
        await save({ step: 'variants' });
      }
      if (state.step === 'variants') {
        await setReference(state.originalMediaId, state.productId, 'remove');
        await save({ step: 'written' });
      }
      return state;
    },

    /**
     * Puts the original back exactly: its own file (same bytes, same id) attached again, moved to
     * its old position, its variants pointed at it again, alt unchanged; then the result detached.
     */
    async revert(swap: MediaSwap, progress: SwapProgress): Promise<MediaSwap> {
      const state = { ...swap };
      const save = async (changes: Partial<MediaSwap>) => {
        Object.assign(state, changes);
        await progress.save(changes);
      };
      if (state.step === 'written') {
        const product = await readProduct(state.productId);
        if (!product.mediaIds.includes(state.originalMediaId))
          await setReference(state.originalMediaId, state.productId, 'add');
        await save({ step: 'reattached' });
      }
      if (state.step === 'reattached') {
        await waitUntilReady(state.originalMediaId);
        await moveTo(state.productId, state.originalMediaId, state.originalPosition);
        await save({ step: 'restored-position' });
      }
      if (state.step === 'restored-position') {
        await pointVariants(state.productId, state.originalVariantIds, state.originalMediaId);
        await save({ step: 'restored-variants' });
      }
      if (state.step === 'restored-variants') {
        const product = await readProduct(state.productId);
        if (state.newMediaId && product.mediaIds.includes(state.newMediaId))
          await setReference(state.newMediaId, state.productId, 'remove');
        await save({ step: 'reverted' });
      }
      return state;
    },
  };
}

export type MediaWriter = ReturnType<typeof createMediaWriter>;
