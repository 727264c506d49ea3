import type { JobHandle } from '@backdrop/core';
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

// The same tables as schema.ts, column for column and with the same names and row types, for
// PostgreSQL (DATABASE_URL=postgres://…). The app's queries are written once and run on both;
// test/database-dialects.test.ts checks that the two schemas stay alike.

const bytes = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const instant = (name: string) => timestamp(name, { mode: 'date', precision: 3, withTimezone: true });

/** Shopify sessions, in the shape @shopify/shopify-app-session-storage-drizzle 4's Postgres storage reads and writes. */
export const sessionTable = pgTable('session', {
  id: text('id').primaryKey(),
  shop: text('shop').notNull(),
  state: text('state').notNull(),
  isOnline: boolean('isOnline').notNull().default(false),
  scope: text('scope'),
  expires: timestamp('expires', { mode: 'date' }),
  accessToken: text('accessToken').notNull(),
  userId: bigint('userId', { mode: 'number' }),
  firstName: text('firstName'),
  lastName: text('lastName'),
  email: text('email'),
  accountOwner: boolean('accountOwner'),
  locale: text('locale'),
  collaborator: boolean('collaborator'),
  emailVerified: boolean('emailVerified'),
  refreshToken: text('refreshToken'),
  refreshTokenExpires: timestamp('refreshTokenExpires', { mode: 'date' }),
});

export const shopSettingsTable = pgTable('shop_settings', {
  shop: text('shop').primaryKey(),
  provider: text('provider').notNull().default('auto'),
  operation: text('operation').notNull().default('remove-transparent'),
  color: text('color').notNull().default('#ffffff'),
  includeAllImages: boolean('include_all_images').notNull().default(false),
  updatedAt: instant('updated_at').notNull(),
});

export const jobsTable = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    shop: text('shop').notNull(),
    state: text('state').notNull(),
    operation: jsonb('operation').notNull(),
    provider: text('provider').notNull(),
    estimatedCostUsd: doublePrecision('estimated_cost_usd'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (table) => [index('jobs_shop_created').on(table.shop, table.createdAt)],
);

export const jobItemsTable = pgTable(
  'job_items',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id')
      .notNull()
      .references(() => jobsTable.id, { onDelete: 'cascade' }),
    shop: text('shop').notNull(),
    productId: text('product_id').notNull(),
    productTitle: text('product_title').notNull(),
    originalMediaId: text('original_media_id').notNull(),
    originalUrl: text('original_url').notNull(),
    originalAlt: text('original_alt'),
    originalPosition: integer('original_position').notNull(),
    originalVariantIds: jsonb('original_variant_ids').$type<string[]>().notNull(),
    sequence: integer('sequence').notNull().default(0),
    originalBytes: bytes('original_bytes'),
    originalContentType: text('original_content_type'),
    state: text('state').notNull(),
    step: text('step'),
    seed: integer('seed'),
    resultBytes: bytes('result_bytes'),
    resultContentType: text('result_content_type'),
    provider: text('provider'),
    costUsd: doublePrecision('cost_usd'),
    newMediaId: text('new_media_id'),
    mediaBeforeAttach: jsonb('media_before_attach').$type<string[]>(),
    error: text('error'),
    providerHandle: jsonb('provider_handle').$type<JobHandle>(),
    startSentAt: instant('start_sent_at'),
    queueJobId: text('queue_job_id'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (table) => [
    index('job_items_job').on(table.jobId),
    index('job_items_shop_state').on(table.shop, table.state),
    index('job_items_product').on(table.shop, table.productId),
  ],
);
