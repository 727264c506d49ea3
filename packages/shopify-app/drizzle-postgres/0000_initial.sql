CREATE TABLE "job_items" (
	"id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"shop" text NOT NULL,
	"product_id" text NOT NULL,
	"product_title" text NOT NULL,
	"original_media_id" text NOT NULL,
	"original_url" text NOT NULL,
	"original_alt" text,
	"original_position" integer NOT NULL,
	"original_variant_ids" jsonb NOT NULL,
	"sequence" integer DEFAULT 0 NOT NULL,
	"original_bytes" "bytea",
	"original_content_type" text,
	"state" text NOT NULL,
	"step" text,
	"seed" integer,
	"result_bytes" "bytea",
	"result_content_type" text,
	"provider" text,
	"cost_usd" double precision,
	"new_media_id" text,
	"media_before_attach" jsonb,
	"error" text,
	"provider_handle" jsonb,
	"queue_job_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"shop" text NOT NULL,
	"state" text NOT NULL,
	"operation" jsonb NOT NULL,
	"provider" text NOT NULL,
	"estimated_cost_usd" double precision,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session" (
	"id" text PRIMARY KEY NOT NULL,
	"shop" text NOT NULL,
	"state" text NOT NULL,
	"isOnline" boolean DEFAULT false NOT NULL,
	"scope" text,
	"expires" timestamp,
	"accessToken" text NOT NULL,
	"userId" bigint,
	"firstName" text,
	"lastName" text,
	"email" text,
	"accountOwner" boolean,
	"locale" text,
	"collaborator" boolean,
	"emailVerified" boolean,
	"refreshToken" text,
	"refreshTokenExpires" timestamp
);
--> statement-breakpoint
CREATE TABLE "shop_settings" (
	"shop" text PRIMARY KEY NOT NULL,
	"provider" text DEFAULT 'auto' NOT NULL,
	"operation" text DEFAULT 'remove-transparent' NOT NULL,
	"color" text DEFAULT '#ffffff' NOT NULL,
	"include_all_images" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_items" ADD CONSTRAINT "job_items_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_items_job" ON "job_items" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "job_items_shop_state" ON "job_items" USING btree ("shop","state");--> statement-breakpoint
CREATE INDEX "job_items_product" ON "job_items" USING btree ("shop","product_id");--> statement-breakpoint
CREATE INDEX "jobs_shop_created" ON "jobs" USING btree ("shop","created_at");