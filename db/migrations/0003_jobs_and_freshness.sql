CREATE TABLE "freshness_reminders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"for_checked_on" date NOT NULL,
	"token_hash" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "scheduled_jobs" (
	"name" text PRIMARY KEY NOT NULL,
	"interval_seconds" integer NOT NULL,
	"next_run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_run_at" timestamp with time zone,
	"last_result" text,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "freshness_reminders" ADD CONSTRAINT "freshness_reminders_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "freshness_reminders_key" ON "freshness_reminders" USING btree ("service_id","stage","for_checked_on");--> statement-breakpoint
CREATE UNIQUE INDEX "freshness_reminders_token_key" ON "freshness_reminders" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "freshness_reminders_service_idx" ON "freshness_reminders" USING btree ("service_id");