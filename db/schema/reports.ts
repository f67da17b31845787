// Reporting (issue 6): demand FORT could not route anywhere, kept as figures only (area and needs, no person).
import { bigint, bigserial, date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const unmetDemand = pgTable(
  "unmet_demand",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    // no_eligible_service: a referrer tried to refer and no listed service fitted the child.
    kind: text("kind").notNull(),
    wardCode: text("ward_code"),
    postcodeSector: text("postcode_sector"),
    needCodes: text("need_codes").array().notNull().default([]),
    // One row per referrer, child's postcode, needs and day, so trying again does not count twice.
    fingerprint: text("fingerprint").notNull(),
  },
  (t) => [uniqueIndex("unmet_demand_fingerprint_key").on(t.fingerprint), index("unmet_demand_at_idx").on(t.at)],
);

// Dashboard roll-ups (issue 14): the dashboard's grouped rows (see app/reports/rollups.server.ts) for each whole,
// past month, so a range of years adds up a few thousand rows per month instead of reading every referral.
// A month is used only while it is in referral_rollup_months and not in referral_rollup_dirty; a trigger on
// referrals (hand-written migration) marks the months a change touches as dirty, so figures always equal the live SQL.
export const referralMonthRollups = pgTable(
  "referral_month_rollups",
  {
    period: date("period", { mode: "string" }).notNull(),
    // grouping() of the dashboard's GROUPING SETS query: which breakdown the row belongs to.
    g: integer("g").notNull(),
    month: text("month"),
    state: text("state"),
    wardCode: text("ward_code"),
    serviceId: uuid("service_id"),
    organisationId: uuid("organisation_id"),
    reason: text("reason"),
    needMask: integer("need_mask"),
    outcomeBits: bigint("outcome_bits", { mode: "bigint" }),
    responseDays: integer("response_days"),
    closeDays: integer("close_days"),
    n: integer("n").notNull(),
  },
  (t) => [index("referral_month_rollups_period_idx").on(t.period)],
);

export const referralRollupMonths = pgTable("referral_rollup_months", {
  period: date("period", { mode: "string" }).primaryKey(),
  refreshedAt: timestamp("refreshed_at", { withTimezone: true }).notNull().defaultNow(),
});

export const referralRollupDirty = pgTable("referral_rollup_dirty", {
  period: date("period", { mode: "string" }).primaryKey(),
});
