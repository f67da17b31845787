CREATE TABLE "referral_month_rollups" (
	"period" date NOT NULL,
	"g" integer NOT NULL,
	"month" text,
	"state" text,
	"ward_code" text,
	"service_id" uuid,
	"organisation_id" uuid,
	"reason" text,
	"need_mask" integer,
	"outcome_bits" bigint,
	"response_days" integer,
	"close_days" integer,
	"n" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_rollup_dirty" (
	"period" date PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_rollup_months" (
	"period" date PRIMARY KEY NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "referral_month_rollups_period_idx" ON "referral_month_rollups" USING btree ("period");