CREATE TYPE "public"."non_working_day_kind" AS ENUM('bank', 'local');--> statement-breakpoint
CREATE TABLE "non_working_days" (
	"day" date PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" "non_working_day_kind" NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "referrals" ALTER COLUMN "response_working_days" DROP EXPRESSION;--> statement-breakpoint
ALTER TABLE "referrals" ALTER COLUMN "close_working_days" DROP EXPRESSION;--> statement-breakpoint
ALTER TABLE "non_working_days" ADD CONSTRAINT "non_working_days_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;