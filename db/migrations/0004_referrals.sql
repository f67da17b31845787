CREATE TYPE "public"."referral_party" AS ENUM('referrer', 'provider', 'family', 'coordinator');--> statement-breakpoint
CREATE TYPE "public"."referral_state" AS ENUM('draft', 'sent', 'info_requested', 'accepted', 'declined', 'in_progress', 'closed', 'withdrawn');--> statement-breakpoint
CREATE TYPE "public"."referral_urgency" AS ENUM('routine', 'soon', 'urgent');--> statement-breakpoint
CREATE TABLE "referral_access_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"referral_id" uuid NOT NULL,
	"user_id" uuid,
	"kind" text NOT NULL,
	"reason" text,
	"ip" text
);
--> statement-breakpoint
CREATE TABLE "referral_drafts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"values" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"actor_label" text NOT NULL,
	"party" "referral_party" NOT NULL,
	"action" text NOT NULL,
	"from_state" "referral_state" NOT NULL,
	"to_state" "referral_state" NOT NULL,
	"reason" text,
	"note" text,
	"from_service_id" uuid,
	"to_service_id" uuid
);
--> statement-breakpoint
CREATE TABLE "referral_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"author_id" uuid,
	"author_label" text NOT NULL,
	"party" "referral_party" NOT NULL,
	"body" text NOT NULL,
	"visible_to_family" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_reads" (
	"user_id" uuid NOT NULL,
	"referral_id" uuid NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_reads_user_id_referral_id_pk" PRIMARY KEY("user_id","referral_id")
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"service_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"referrer_id" uuid,
	"team_id" uuid,
	"state" "referral_state" DEFAULT 'draft' NOT NULL,
	"is_self_referral" boolean DEFAULT false NOT NULL,
	"secret_hash" text,
	"child_name" text NOT NULL,
	"child_date_of_birth" date,
	"child_age_years" smallint,
	"child_postcode" text,
	"child_school" text,
	"parent_name" text NOT NULL,
	"parent_relationship" text,
	"parent_phone" text,
	"parent_email" text,
	"contact_preference" text NOT NULL,
	"contact_times" text,
	"needs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"tried" text,
	"family_wants" text NOT NULL,
	"urgency" "referral_urgency" DEFAULT 'routine' NOT NULL,
	"language" text,
	"interpreter_needed" boolean DEFAULT false NOT NULL,
	"accessibility_needs" text,
	"consent_given_by" text NOT NULL,
	"consent_date" date NOT NULL,
	"consent_method" text NOT NULL,
	"consent_limits" text,
	"child_views" text,
	"decline_reason" text,
	"suggested_service_id" uuid,
	"close_outcome" text,
	"need_outcomes" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_by_label" text,
	"last_activity_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_activity_party" "referral_party",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"first_response_at" timestamp with time zone,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "referral_access_log" ADD CONSTRAINT "referral_access_log_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_access_log" ADD CONSTRAINT "referral_access_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_drafts" ADD CONSTRAINT "referral_drafts_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_history" ADD CONSTRAINT "referral_history_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_history" ADD CONSTRAINT "referral_history_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_history" ADD CONSTRAINT "referral_history_from_service_id_services_id_fk" FOREIGN KEY ("from_service_id") REFERENCES "public"."services"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_history" ADD CONSTRAINT "referral_history_to_service_id_services_id_fk" FOREIGN KEY ("to_service_id") REFERENCES "public"."services"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_messages" ADD CONSTRAINT "referral_messages_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_messages" ADD CONSTRAINT "referral_messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_reads" ADD CONSTRAINT "referral_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_reads" ADD CONSTRAINT "referral_reads_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referrer_id_users_id_fk" FOREIGN KEY ("referrer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_suggested_service_id_services_id_fk" FOREIGN KEY ("suggested_service_id") REFERENCES "public"."services"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referral_access_log_referral_idx" ON "referral_access_log" USING btree ("referral_id","at");--> statement-breakpoint
CREATE INDEX "referral_access_log_user_idx" ON "referral_access_log" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "referral_drafts_owner_idx" ON "referral_drafts" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "referral_history_referral_idx" ON "referral_history" USING btree ("referral_id","at");--> statement-breakpoint
CREATE INDEX "referral_messages_referral_idx" ON "referral_messages" USING btree ("referral_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_reference_key" ON "referrals" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "referrals_organisation_state_idx" ON "referrals" USING btree ("organisation_id","state");--> statement-breakpoint
CREATE INDEX "referrals_referrer_idx" ON "referrals" USING btree ("referrer_id");--> statement-breakpoint
CREATE INDEX "referrals_team_idx" ON "referrals" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "referrals_group_idx" ON "referrals" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "referrals_state_sent_idx" ON "referrals" USING btree ("state","sent_at");