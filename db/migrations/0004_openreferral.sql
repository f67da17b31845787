CREATE TYPE "public"."open_referral_import_state" AS ENUM('previewed', 'applied', 'discarded');--> statement-breakpoint
CREATE TABLE "open_referral_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_by" uuid NOT NULL,
	"file_name" text NOT NULL,
	"source" text NOT NULL,
	"format" text NOT NULL,
	"content" "bytea" NOT NULL,
	"byte_size" integer NOT NULL,
	"preview" jsonb NOT NULL,
	"result" jsonb,
	"state" "open_referral_import_state" DEFAULT 'previewed' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "open_referral_imports" ADD CONSTRAINT "open_referral_imports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "open_referral_imports_created_by_idx" ON "open_referral_imports" USING btree ("created_by","created_at");