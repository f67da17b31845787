-- The SHANARRI needs of a referral as bits, in the order of app/directory/taxonomy.ts (safe = 1 … included = 128),
-- so reports count and filter needs with integer arithmetic. See app/reports/needs.ts.
CREATE OR REPLACE FUNCTION "referral_need_mask"(needs jsonb) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (case when needs @> '[{"code": "safe"}]' then 1 else 0 end) | (case when needs @> '[{"code": "healthy"}]' then 2 else 0 end) | (case when needs @> '[{"code": "achieving"}]' then 4 else 0 end) | (case when needs @> '[{"code": "nurtured"}]' then 8 else 0 end) | (case when needs @> '[{"code": "active"}]' then 16 else 0 end) | (case when needs @> '[{"code": "respected"}]' then 32 else 0 end) | (case when needs @> '[{"code": "responsible"}]' then 64 else 0 end) | (case when needs @> '[{"code": "included"}]' then 128 else 0 end)
$$;
--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "sent_month" date GENERATED ALWAYS AS ((date_trunc('month', (sent_at at time zone 'UTC')))::date) STORED;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "response_working_days" integer GENERATED ALWAYS AS (working_days_between(sent_at, first_response_at)) STORED;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "close_working_days" integer GENERATED ALWAYS AS (case when state = 'closed' then working_days_between(sent_at, closed_at) end) STORED;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "need_mask" integer GENERATED ALWAYS AS (referral_need_mask(needs)) STORED;--> statement-breakpoint
CREATE INDEX "referrals_sent_idx" ON "referrals" USING btree ("sent_at");--> statement-breakpoint
CREATE INDEX "referrals_service_sent_idx" ON "referrals" USING btree ("service_id","sent_at");