ALTER TYPE "public"."referral_state" ADD VALUE 'info_received' BEFORE 'accepted';--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD COLUMN "channel" text DEFAULT 'email' NOT NULL;--> statement-breakpoint
ALTER TABLE "referral_history" ADD COLUMN "note_audience" text;--> statement-breakpoint
ALTER TABLE "referral_messages" ADD COLUMN "audience" text DEFAULT 'professionals' NOT NULL;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "do_not_leave_voicemail" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "do_not_text" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "link_delivery" text;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "family_locale" text;