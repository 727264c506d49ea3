import { type Backdrop, isBackdropError, safeDownload } from '@backdrop/core/node';
import type { AdminApi } from '../admin/admin-api.server';
import type { JobItemRow } from '../db/schema';
import { createMediaWriter, type MediaSwap } from '../media/media-writer.server';
import { describeFailure, runOperation } from '../processing/backdrop-engine.server';
import type { OperationSettings, ProviderChoice } from '../processing/operation-settings';
import type { WorkHandler } from './job-runner.server';
import type { JobStore, WorkKind } from './job-store.server';

export interface ItemWorkOptions {
  store: JobStore;
  backdrop: Backdrop;
  /** An Admin API client for a shop, from its offline session. */
  adminFor: (shop: string) => Promise<AdminApi>;
  /** Hosts product images may be downloaded from: Shopify's CDN (and the fake shop in the demo). */
  imageHosts: readonly string[];
  /** Shopify refuses images over 20 MB (and 25 megapixels); so does the app, before any work. */
  maxImageBytes?: number;
  fetch?: typeof fetch;
  pollIntervalMs?: number;
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1_000_000)} MB`;

function swapOf(item: JobItemRow): MediaSwap {
  return {
    productId: item.productId,
    originalMediaId: item.originalMediaId,
    originalAlt: item.originalAlt,
    originalPosition: item.originalPosition,
    originalVariantIds: item.originalVariantIds,
    newMediaId: item.newMediaId,
    step: item.step,
    mediaBeforeAttach: item.mediaBeforeAttach,
  };
}

const extensionOf = (contentType: string) =>
  contentType === 'image/jpeg' ? 'jpg' : (contentType.split('/')[1] ?? 'png');

/** One item's work: process it, write it back, or revert it; each outcome lands in the store. */
export function createItemWork(options: ItemWorkOptions): WorkHandler {
  const { store } = options;
  const maxImageBytes = options.maxImageBytes ?? 20_000_000;

  async function originalBytes(item: JobItemRow, signal: AbortSignal): Promise<Uint8Array> {
    if (item.originalBytes) return new Uint8Array(item.originalBytes);
    const url = new URL(item.originalUrl);
    if (!options.imageHosts.includes(url.host))
      throw new Error(`The image is not on Shopify’s CDN (${url.host}); it was not downloaded`);
    const downloaded = await safeDownload(item.originalUrl, {
      maxBytes: maxImageBytes,
      fetch: options.fetch,
      signal,
      provider: 'shopify',
      // The configured image hosts are the app's own setting (the demo's fake shop is on
      // loopback): they may be private; a URL anywhere else was refused above.
      allowPrivateAddresses: options.imageHosts.map((host) => new URL(`http://${host}`).hostname),
    }).catch((error: unknown) => {
      if (error instanceof Error && /larger than/.test(error.message))
        throw new Error(
          `The image is larger than ${megabytes(maxImageBytes)}, Shopify’s limit for product images`,
        );
      throw error;
    });
    // Kept for revert: the original's exact bytes, even if its file is later deleted in Shopify.
    await store.update(item.id, {
      originalBytes: Buffer.from(downloaded.bytes),
      originalContentType: downloaded.contentType ?? null,
    });
    return downloaded.bytes;
  }

  async function processItem(item: JobItemRow, signal: AbortSignal): Promise<void> {
    const job = await store.job(item.shop, item.jobId);
    if (!job) return;
    const paidProviders = options.backdrop.providers.some((provider) => provider.provider !== 'local');
    if (item.startSentAt && !item.providerHandle && job.provider !== 'local' && paidProviders)
      // The process that had it died after asking the provider to start and before the job's id
      // was saved: the provider may have taken (and will charge) that job, so it is not resent.
      throw new Error(
        'The work on this image stopped after the provider was asked to start its job and before the job was recorded; it was not sent again, so it is not paid twice. Retry to process it again (the provider’s dashboard shows whether the first job ran)',
      );
    // A paid provider job this item already started (before a restart or on a worker that died)
    // is resumed, not started again; the original is only needed to start one.
    const image = item.providerHandle ? undefined : await originalBytes(item, signal);
    const processed = await runOperation(options.backdrop, job.operation as OperationSettings, image, {
      provider: job.provider as ProviderChoice,
      seed: item.seed ?? undefined,
      signal,
      savedHandle: item.providerHandle ?? undefined,
      saveHandle: (handle) => store.update(item.id, { providerHandle: handle ?? null, startSentAt: null }),
      markStartSent: (sent) => store.update(item.id, { startSentAt: sent ? new Date() : null }),
    });
    await store.update(item.id, {
      state: 'ready',
      resultBytes: Buffer.from(processed.bytes),
      resultContentType: processed.contentType,
      provider: processed.provider,
      seed: processed.seed ?? item.seed,
      costUsd: (item.costUsd ?? 0) + (processed.costUsd ?? 0),
      error: null,
      startSentAt: null,
    });
  }

  async function writeItem(item: JobItemRow, kind: WorkKind): Promise<void> {
    const api = await options.adminFor(item.shop);
    const writer = createMediaWriter({ api, fetch: options.fetch, pollIntervalMs: options.pollIntervalMs });
    const progress = {
      save: (changes: Partial<MediaSwap>) => store.update(item.id, changes),
    };
    if (kind === 'write') {
      if (!item.resultBytes) throw new Error('There is no result to write back');
      const contentType = item.resultContentType ?? 'image/png';
      const baseName = decodeURIComponent(
        new URL(item.originalUrl).pathname.split('/').at(-1) ?? 'image',
      ).replace(/\.[^.]+$/, '');
      await writer.writeBack(
        swapOf(item),
        {
          bytes: new Uint8Array(item.resultBytes),
          fileName: `${baseName}-backdrop.${extensionOf(contentType)}`,
          mimeType: contentType,
        },
        progress,
      );
      await store.update(item.id, { state: 'written', error: null });
    } else {
      await writer.revert(swapOf(item), progress);
      await store.update(item.id, { state: 'reverted', error: null });
    }
  }

  return async (item, kind, signal, attempt) => {
    try {
      if (kind === 'process') await processItem(item, signal);
      else await writeItem(item, kind);
    } catch (error) {
      // Stopped by a shutdown, the item stays in its work state and continues after the restart;
      // cancelled by an uninstall, it was already skipped.
      if (signal.aborted) return;
      const message = describeFailure(error);
      if (isBackdropError(error) && error.retryable && !attempt.final) {
        // A provider outage outlasted core's retries: the queue tries again later (resuming the
        // provider job if it was accepted); the merchant sees why it is taking longer.
        await store.update(item.id, { error: `${message} (trying again)` });
        throw error;
      }
      if (kind === 'revert')
        await store.update(item.id, { state: 'written', error: `Revert failed: ${message}` });
      else await store.update(item.id, { state: 'failed', error: message });
    }
  };
}
