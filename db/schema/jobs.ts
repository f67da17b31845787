import { date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { services } from "./directory";

// Recurring jobs. Each app server polls; a due row is claimed with FOR UPDATE SKIP LOCKED so only one runs it.
export const scheduledJobs = pgTable("scheduled_jobs", {
  name: text("name").primaryKey(),
  intervalSeconds: integer("interval_seconds").notNull(),
  nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull().defaultNow(),
  lastRunAt: timestamp("last_run_at", { withTimezone: true }),
  lastResult: text("last_result"),
  lastError: text("last_error"),
});

// One row per reminder sent, so a record is reminded once per stage for each time it was last checked.
export const freshnessReminders = pgTable(
  "freshness_reminders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    stage: text("stage").notNull(),
    forCheckedOn: date("for_checked_on", { mode: "string" }).notNull(),
    // SHA-256 of the one-click confirmation token sent in the email.
    tokenHash: text("token_hash").notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("freshness_reminders_key").on(t.serviceId, t.stage, t.forCheckedOn),
    uniqueIndex("freshness_reminders_token_key").on(t.tokenHash),
    index("freshness_reminders_service_idx").on(t.serviceId),
  ],
);
