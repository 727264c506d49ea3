import type { JobHandle } from '@backdrop/core';
import { blob, index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Shopify sessions, in the shape @shopify/shopify-app-session-storage-drizzle 4 reads and writes. */
export const sessionTable = sqliteTable('session', {
  id: text('id').primaryKey(),
  shop: text('shop').notNull(),
  state: text('state').notNull(),
  isOnline: integer('isOnline', { mode: 'boolean' }).notNull().default(false),
  scope: text('scope'),
  expires: text('expires'),
  accessToken: text('accessToken').notNull(),
  userId: blob('userId', { mode: 'bigint' }),
  firstName: text('firstName'),
  lastName: text('lastName'),
  email: text('email'),
  accountOwner: integer('accountOwner', { mode: 'boolean' }),
  locale: text('locale'),
  collaborator: integer('collaborator', { mode: 'boolean' }),
  emailVerified: integer('emailVerified', { mode: 'boolean' }),
  refreshToken: text('refreshToken'),
  refreshTokenExpires: text('refreshTokenExpires'),
});

/** A merchant's defaults, one row per shop. */
export const shopSettingsTable = sqliteTable('shop_settings', {
  shop: text('shop').primaryKey(),
  provider: text('provider').notNull().default('auto'),
  operation: text('operation').notNull().default('remove-transparent'),
  color: text('color').notNull().default('#ffffff'),
  includeAllImages: integer('include_all_images', { mode: 'boolean' }).notNull().default(false),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/** One run over a set of product images with one operation. */
export const jobsTable = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    shop: text('shop').notNull(),
    /** running → review → done; stopped when the app is uninstalled. */
    state: text('state').notNull(),
    /** The operation and its options (JSON of JobOperationSettings). */
    operation: text('operation', { mode: 'json' }).notNull(),
    provider: text('provider').notNull(),
    estimatedCostUsd: real('estimated_cost_usd'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('jobs_shop_created').on(table.shop, table.createdAt)],
);

/** One product image inside a job: its original (kept for revert), its result, and where it stands. */
export const jobItemsTable = sqliteTable(
  'job_items',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id')
      .notNull()
      .references(() => jobsTable.id, { onDelete: 'cascade' }),
    shop: text('shop').notNull(),
    productId: text('product_id').notNull(),
    productTitle: text('product_title').notNull(),
    /** The original MediaImage, its URL, alt, 0-based position and the variants that showed it. */
    originalMediaId: text('original_media_id').notNull(),
    originalUrl: text('original_url').notNull(),
    originalAlt: text('original_alt'),
    originalPosition: integer('original_position').notNull(),
    originalVariantIds: text('original_variant_ids', { mode: 'json' }).$type<string[]>().notNull(),
    /** The item's place in its job (items of one job share createdAt): work is queued in this order. */
    sequence: integer('sequence').notNull().default(0),
    originalBytes: blob('original_bytes', { mode: 'buffer' }),
    originalContentType: text('original_content_type'),
    /** pending → processing → ready → approved | rejected → writing → written → reverting → reverted; failed; skipped. */
    state: text('state').notNull(),
    /** The last write-back or revert step done, so a restart continues after it instead of redoing it. */
    step: text('step'),
    seed: integer('seed'),
    resultBytes: blob('result_bytes', { mode: 'buffer' }),
    resultContentType: text('result_content_type'),
    provider: text('provider'),
    costUsd: real('cost_usd'),
    newMediaId: text('new_media_id'),
    /** Product media ids seen just before attaching, to find our new media after a restart. */
    mediaBeforeAttach: text('media_before_attach', { mode: 'json' }).$type<string[]>(),
    error: text('error'),
    /** The paid provider job started for this item, saved at acceptance: a restart resumes it, never pays twice. */
    providerHandle: text('provider_handle', { mode: 'json' }).$type<JobHandle>(),
    /** Set just before asking a provider to start, cleared once that start's outcome is known. */
    startSentAt: integer('start_sent_at', { mode: 'timestamp_ms' }),
    /** The background job that carries the item's current work (its id on the job queue). */
    queueJobId: text('queue_job_id'),
    /** Times the item's work was taken by a runner; part of its queue job id, so a requeue is a new job. */
    attempts: integer('attempts').notNull().default(0),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    index('job_items_job').on(table.jobId),
    index('job_items_shop_state').on(table.shop, table.state),
    index('job_items_product').on(table.shop, table.productId),
  ],
);

export type JobRow = typeof jobsTable.$inferSelect;
export type JobItemRow = typeof jobItemsTable.$inferSelect;
export type ShopSettingsRow = typeof shopSettingsTable.$inferSelect;
