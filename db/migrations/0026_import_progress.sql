ALTER TYPE "public"."open_referral_import_state" ADD VALUE 'applying' BEFORE 'applied';--> statement-breakpoint
ALTER TABLE "open_referral_imports" ADD COLUMN "progress" jsonb;--> statement-breakpoint
ALTER TABLE "open_referral_imports" ADD COLUMN "progress_at" timestamp with time zone;