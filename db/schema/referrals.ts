// Referrals: one row per (child, service) with its state, its history, messages and who has read what.
// A send to several services makes several rows sharing a group id.
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { teams, users } from "./accounts";
import { organisations, services } from "./directory";

export const referralState = pgEnum("referral_state", [
  "draft",
  "sent",
  "info_requested",
  "info_received",
  "accepted",
  "declined",
  "in_progress",
  "closed",
  "withdrawn",
]);
export const referralUrgency = pgEnum("referral_urgency", ["routine", "soon", "urgent"]);
export const referralParty = pgEnum("referral_party", ["referrer", "provider", "family", "coordinator"]);

export interface ReferralNeed {
  code: string;
  description: string;
}

export const referrals = pgTable(
  "referrals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Shared by the referrals made in one send to several services.
    groupId: uuid("group_id").notNull(),
    // Human reference quoted in emails, phone calls and the family's tracking link.
    reference: text("reference").notNull(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "restrict" }),
    // Copied from the service so every provider query can be scoped on this row alone.
    organisationId: uuid("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "restrict" }),
    referrerId: uuid("referrer_id").references(() => users.id, { onDelete: "set null" }),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    state: referralState("state").notNull().default("draft"),
    isSelfReferral: boolean("is_self_referral").notNull().default(false),
    // Self-referrals only: SHA-256 of the family's secret; the secret itself is never stored.
    secretHash: text("secret_hash"),
    // The send form's one-time key (issue 11): a form submitted twice (double click, retry, back button) finds the
    // referral its first submission made instead of making another. One per service within a send.
    idempotencyKey: uuid("idempotency_key"),

    // Issue 18: the personal fields from here to child_views are sealed one by one (app/privacy/crypto.server.ts),
    // so each is text; the date of birth too. What reports need stays in the clear: age in years, ward, sector.
    childName: text("child_name").notNull(),
    childDateOfBirth: text("child_date_of_birth"),
    // Self-referrals give an age rather than a date of birth.
    childAgeYears: smallint("child_age_years"),
    childPostcode: text("child_postcode"),
    childSchool: text("child_school"),
    parentName: text("parent_name").notNull(),
    parentRelationship: text("parent_relationship"),
    parentPhone: text("parent_phone"),
    parentEmail: text("parent_email"),
    contactPreference: text("contact_preference").notNull(),
    contactTimes: text("contact_times"),
    // Issue 16: the family's wishes about contact, shown to the provider, and how their private link reaches them.
    doNotLeaveVoicemail: boolean("do_not_leave_voicemail").notNull().default(false),
    doNotText: boolean("do_not_text").notNull().default(false),
    // Self-referrals: email | sms | none; "Lost your link?" sends a new link the same way.
    linkDelivery: text("link_delivery"),
    // The language of the pages the family used (en, pl, ar, uk): messages to the family are written in it.
    familyLocale: text("family_locale"),

    needs: jsonb("needs").$type<ReferralNeed[]>().notNull().default([]),
    tried: text("tried"),
    familyWants: text("family_wants").notNull(),
    urgency: referralUrgency("urgency").notNull().default("routine"),
    language: text("language"),
    interpreterNeeded: boolean("interpreter_needed").notNull().default(false),
    accessibilityNeeds: text("accessibility_needs"),

    consentGivenBy: text("consent_given_by").notNull(),
    consentDate: date("consent_date", { mode: "string" }).notNull(),
    consentMethod: text("consent_method").notNull(),
    consentLimits: text("consent_limits"),
    childViews: text("child_views"),

    declineReason: text("decline_reason"),
    suggestedServiceId: uuid("suggested_service_id").references(() => services.id, { onDelete: "set null" }),
    closeOutcome: text("close_outcome"),
    needOutcomes: jsonb("need_outcomes").$type<Record<string, string>>(),

    // Optimistic concurrency: every change bumps it; a change made from a stale page is refused.
    version: integer("version").notNull().default(1),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedByLabel: text("updated_by_label"),
    // What "changed since you last looked" compares with, and who caused it (one's own changes are not news).
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true }).notNull().defaultNow(),
    lastActivityParty: referralParty("last_activity_party"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    firstResponseAt: timestamp("first_response_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),

    // Reporting (issue 6): the area the child lives in, taken from the postcode when the referral is sent, so
    // figures by area survive anonymisation and never need the address itself.
    wardCode: text("ward_code"),
    postcodeSector: text("postcode_sector"),
    anonymisedAt: timestamp("anonymised_at", { withTimezone: true }),
    // Issue 18: keyed HMAC of the child's normalised name and date of birth, to find every record about a child
    // (subject access, erasure) without decrypting any. Recomputed by the re-encryption job when the key changes.
    subjectIndex: text("subject_index"),
    overdueNotifiedAt: timestamp("overdue_notified_at", { withTimezone: true }),
    // Reporting (issue 6): kept by PostgreSQL itself from the columns above (functions in migration 0006), so the
    // dashboard aggregates plain integers over a million rows instead of working them out per row, per query.
    sentMonth: date("sent_month", { mode: "string" }).generatedAlwaysAs(sql`(date_trunc('month', (sent_at at time zone 'UTC')))::date`),
    // Working days to the first response and to closing: plain columns kept by the trigger referrals_working_days
    // (and recounted when non_working_days changes), not generated ones, because the holidays change at runtime
    // (docs/decisions/0024-working-days-and-holidays.md). Never written by the app.
    responseWorkingDays: integer("response_working_days"),
    closeWorkingDays: integer("close_working_days"),
    needMask: integer("need_mask").generatedAlwaysAs(sql`referral_need_mask(needs)`),
    needOutcomeBits: bigint("need_outcome_bits", { mode: "number" }).generatedAlwaysAs(sql`referral_need_outcome_bits(need_outcomes)`),
  },
  (t) => [
    uniqueIndex("referrals_reference_key").on(t.reference),
    uniqueIndex("referrals_idempotency_key").on(t.idempotencyKey, t.serviceId),
    index("referrals_organisation_state_idx").on(t.organisationId, t.state),
    index("referrals_referrer_idx").on(t.referrerId),
    index("referrals_team_idx").on(t.teamId),
    index("referrals_group_idx").on(t.groupId),
    index("referrals_state_sent_idx").on(t.state, t.sentAt),
    index("referrals_subject_index_idx").on(t.subjectIndex),
    // Reporting (issue 6): two covering indexes made by hand in migration 0006 (drizzle cannot express INCLUDE):
    // referrals_report_idx for date ranges, referrals_service_state_idx for per-service figures.
  ],
);

// Unfinished referral forms, kept as typed (not yet valid), so a referrer can come back to them.
export const referralDrafts = pgTable(
  "referral_drafts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    values: jsonb("values").$type<Record<string, string | string[]>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("referral_drafts_owner_idx").on(t.ownerId)],
);

export const referralHistory = pgTable(
  "referral_history",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    referralId: uuid("referral_id")
      .notNull()
      .references(() => referrals.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    // The actor's name at the time (or "The family"), so the timeline reads well after accounts change.
    actorLabel: text("actor_label").notNull(),
    party: referralParty("party").notNull(),
    action: text("action").notNull(),
    fromState: referralState("from_state").notNull(),
    toState: referralState("to_state").notNull(),
    reason: text("reason"),
    note: text("note"),
    // Who the note is meant for (issue 16): family | professionals | internal; see app/referrals/audience.ts.
    noteAudience: text("note_audience"),
    fromServiceId: uuid("from_service_id").references(() => services.id, { onDelete: "set null" }),
    toServiceId: uuid("to_service_id").references(() => services.id, { onDelete: "set null" }),
  },
  (t) => [index("referral_history_referral_idx").on(t.referralId, t.at)],
);

export const referralMessages = pgTable(
  "referral_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    referralId: uuid("referral_id")
      .notNull()
      .references(() => referrals.id, { onDelete: "cascade" }),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    authorLabel: text("author_label").notNull(),
    party: referralParty("party").notNull(),
    body: text("body").notNull(),
    visibleToFamily: boolean("visible_to_family").notNull().default(false),
    // Who will read it (issue 16): family (everyone, the family too) | professionals (referrer and service) |
    // internal (the writer's own side only). visibleToFamily is kept equal to audience = 'family'.
    audience: text("audience").notNull().default("professionals"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("referral_messages_referral_idx").on(t.referralId, t.createdAt)],
);

// When each person last opened each referral: drives unread counts and "changed since you last looked".
export const referralReads = pgTable(
  "referral_reads",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    referralId: uuid("referral_id")
      .notNull()
      .references(() => referrals.id, { onDelete: "cascade" }),
    seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.referralId] })],
);

// Every read of a referral's personal details and every change, with who, when and (coordinators) why.
export const referralAccessLog = pgTable(
  "referral_access_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    referralId: uuid("referral_id")
      .notNull()
      .references(() => referrals.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    // viewed | changed | opened_with_reason | family_viewed | family_changed
    kind: text("kind").notNull(),
    reason: text("reason"),
    ip: text("ip"),
  },
  (t) => [index("referral_access_log_referral_idx").on(t.referralId, t.at), index("referral_access_log_user_idx").on(t.userId, t.at)],
);
