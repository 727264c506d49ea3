ALTER TABLE `job_items` ADD `sequence` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `job_items` ADD `provider_handle` text;--> statement-breakpoint
ALTER TABLE `job_items` ADD `queue_job_id` text;