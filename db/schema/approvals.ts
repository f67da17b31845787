import { index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { services } from "./directory";

export const revisionStatus = pgEnum("revision_status", ["pending", "approved", "rejected", "superseded"]);

/**
 * A provider's proposed change to a service. The public keeps seeing the service as it is until a
 * coordinator approves; approval copies the proposal onto the service in one transaction.
 * A brand-new service is a service row in 'awaiting_approval' plus its first revision.
 */
export const serviceRevisions = pgTable(
  "service_revisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    proposed: jsonb("proposed").$type<Record<string, unknown>>().notNull(),
    status: revisionStatus("status").notNull().default("pending"),
    submittedBy: uuid("submitted_by").references(() => users.id, { onDelete: "set null" }),
    submittedAt: timestamp("submitted_at", { withTimezone: true }).notNull().defaultNow(),
    decidedBy: uuid("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decisionNote: text("decision_note"),
  },
  (t) => [index("service_revisions_pending_idx").on(t.status, t.submittedAt), index("service_revisions_service_idx").on(t.serviceId)],
);
