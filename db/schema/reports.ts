// Reporting (issue 6): demand FORT could not route anywhere, kept as figures only (area and needs, no person).
import { bigserial, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

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
