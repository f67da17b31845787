CREATE TABLE "unmet_demand" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"ward_code" text,
	"postcode_sector" text,
	"need_codes" text[] DEFAULT '{}' NOT NULL,
	"fingerprint" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "ward_code" text;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "postcode_sector" text;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "anonymised_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "overdue_notified_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "unmet_demand_fingerprint_key" ON "unmet_demand" USING btree ("fingerprint");--> statement-breakpoint
CREATE INDEX "unmet_demand_at_idx" ON "unmet_demand" USING btree ("at");--> statement-breakpoint
-- Working days (Monday to Friday) after the day of `from_at` up to and including the day of `to_at`, in UTC:
-- the same count as app/referrals/working-days.ts, in closed form so reports can aggregate it over many rows.
-- 1970-01-05 was a Monday.
CREATE OR REPLACE FUNCTION "working_days_between"(from_at timestamptz, to_at timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (5 * (((to_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) / 7) + least(((to_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) % 7, 5)) - (5 * (((from_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) / 7) + least(((from_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) % 7, 5))
$$;
