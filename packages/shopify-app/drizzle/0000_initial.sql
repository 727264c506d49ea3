CREATE TABLE `job_items` (
	`id` text PRIMARY KEY NOT NULL,
	`job_id` text NOT NULL,
	`shop` text NOT NULL,
	`product_id` text NOT NULL,
	`product_title` text NOT NULL,
	`original_media_id` text NOT NULL,
	`original_url` text NOT NULL,
	`original_alt` text,
	`original_position` integer NOT NULL,
	`original_variant_ids` text NOT NULL,
	`original_bytes` blob,
	`original_content_type` text,
	`state` text NOT NULL,
	`step` text,
	`seed` integer,
	`result_bytes` blob,
	`result_content_type` text,
	`provider` text,
	`cost_usd` real,
	`new_media_id` text,
	`media_before_attach` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_items_job` ON `job_items` (`job_id`);--> statement-breakpoint
CREATE INDEX `job_items_shop_state` ON `job_items` (`shop`,`state`);--> statement-breakpoint
CREATE INDEX `job_items_product` ON `job_items` (`shop`,`product_id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`shop` text NOT NULL,
	`state` text NOT NULL,
	`operation` text NOT NULL,
	`provider` text NOT NULL,
	`estimated_cost_usd` real,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_shop_created` ON `jobs` (`shop`,`created_at`);--> statement-breakpoint
CREATE TABLE `session` (
	`id` text PRIMARY KEY NOT NULL,
	`shop` text NOT NULL,
	`state` text NOT NULL,
	`isOnline` integer DEFAULT false NOT NULL,
	`scope` text,
	`expires` text,
	`accessToken` text NOT NULL,
	`userId` blob,
	`firstName` text,
	`lastName` text,
	`email` text,
	`accountOwner` integer,
	`locale` text,
	`collaborator` integer,
	`emailVerified` integer,
	`refreshToken` text,
	`refreshTokenExpires` text
);
--> statement-breakpoint
CREATE TABLE `shop_settings` (
	`shop` text PRIMARY KEY NOT NULL,
	`provider` text DEFAULT 'auto' NOT NULL,
	`operation` text DEFAULT 'remove-transparent' NOT NULL,
	`color` text DEFAULT '#ffffff' NOT NULL,
	`include_all_images` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL
);
