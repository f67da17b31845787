ALTER TABLE "referrals" ADD COLUMN "idempotency_key" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_idempotency_key" ON "referrals" USING btree ("idempotency_key","service_id");