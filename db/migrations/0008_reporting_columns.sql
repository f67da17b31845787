-- The SHANARRI needs of a referral as bits, in the order of app/directory/taxonomy.ts (safe = 1 … included = 128),
-- so reports count and filter needs with integer arithmetic. See app/reports/needs.ts.
CREATE OR REPLACE FUNCTION "referral_need_mask"(needs jsonb) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (case when needs @> '[{"code": "safe"}]' then 1 else 0 end) | (case when needs @> '[{"code": "healthy"}]' then 2 else 0 end) | (case when needs @> '[{"code": "achieving"}]' then 4 else 0 end) | (case when needs @> '[{"code": "nurtured"}]' then 8 else 0 end) | (case when needs @> '[{"code": "active"}]' then 16 else 0 end) | (case when needs @> '[{"code": "respected"}]' then 32 else 0 end) | (case when needs @> '[{"code": "responsible"}]' then 64 else 0 end) | (case when needs @> '[{"code": "included"}]' then 128 else 0 end)
$$;
--> statement-breakpoint
-- The outcome recorded for each need of a closed referral as bits: four per need in the order of
-- app/directory/taxonomy.ts, and within each need met = 1, partly_met = 2, not_met = 4, not_addressed = 8.
CREATE OR REPLACE FUNCTION "referral_need_outcome_bits"(outcomes jsonb) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (case outcomes->>'safe' when 'met' then 1::bigint when 'partly_met' then 2::bigint when 'not_met' then 4::bigint when 'not_addressed' then 8::bigint else 0::bigint end) | (case outcomes->>'healthy' when 'met' then 16::bigint when 'partly_met' then 32::bigint when 'not_met' then 64::bigint when 'not_addressed' then 128::bigint else 0::bigint end) | (case outcomes->>'achieving' when 'met' then 256::bigint when 'partly_met' then 512::bigint when 'not_met' then 1024::bigint when 'not_addressed' then 2048::bigint else 0::bigint end) | (case outcomes->>'nurtured' when 'met' then 4096::bigint when 'partly_met' then 8192::bigint when 'not_met' then 16384::bigint when 'not_addressed' then 32768::bigint else 0::bigint end) | (case outcomes->>'active' when 'met' then 65536::bigint when 'partly_met' then 131072::bigint when 'not_met' then 262144::bigint when 'not_addressed' then 524288::bigint else 0::bigint end) | (case outcomes->>'respected' when 'met' then 1048576::bigint when 'partly_met' then 2097152::bigint when 'not_met' then 4194304::bigint when 'not_addressed' then 8388608::bigint else 0::bigint end) | (case outcomes->>'responsible' when 'met' then 16777216::bigint when 'partly_met' then 33554432::bigint when 'not_met' then 67108864::bigint when 'not_addressed' then 134217728::bigint else 0::bigint end) | (case outcomes->>'included' when 'met' then 268435456::bigint when 'partly_met' then 536870912::bigint when 'not_met' then 1073741824::bigint when 'not_addressed' then 2147483648::bigint else 0::bigint end)
$$;
--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "sent_month" date GENERATED ALWAYS AS ((date_trunc('month', (sent_at at time zone 'UTC')))::date) STORED;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "response_working_days" integer GENERATED ALWAYS AS (working_days_between(sent_at, first_response_at)) STORED;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "close_working_days" integer GENERATED ALWAYS AS (case when state = 'closed' then working_days_between(sent_at, closed_at) end) STORED;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "need_mask" integer GENERATED ALWAYS AS (referral_need_mask(needs)) STORED;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "need_outcome_bits" bigint GENERATED ALWAYS AS (referral_need_outcome_bits(need_outcomes)) STORED;
--> statement-breakpoint
-- Reporting (issue 6): every dashboard pass is a range of sent_at reading only these columns, so it can be answered
-- from this index alone (index-only scan) without touching the wide referral rows. Made here by hand: drizzle's
-- index builder has no INCLUDE.
CREATE INDEX "referrals_report_idx" ON "referrals" USING btree ("sent_at") INCLUDE ("state", "sent_month", "ward_code", "service_id", "organisation_id", "need_mask", "need_outcome_bits", "response_working_days", "close_working_days", "decline_reason", "close_outcome");
--> statement-breakpoint
-- Per-service figures (open referrals on waiting lists, a service page's responsiveness) from the index alone.
CREATE INDEX "referrals_service_state_idx" ON "referrals" USING btree ("service_id", "state") INCLUDE ("sent_at", "response_working_days");
