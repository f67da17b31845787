ALTER TABLE "referrals" ALTER COLUMN "child_date_of_birth" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "subject_index" text;--> statement-breakpoint
CREATE INDEX "referrals_subject_index_idx" ON "referrals" USING btree ("subject_index");