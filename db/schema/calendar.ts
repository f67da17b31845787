// Days that are not working days (issue 15): Scottish bank holidays, written by a generated migration
// (npm run db:bank-holidays), and local holidays coordinators add at /coordinator/holidays. PostgreSQL's
// working_days_between() and the TypeScript overdue flags both read this table
// (docs/decisions/0024-working-days-and-holidays.md).
import { date, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./accounts";

export const nonWorkingDayKind = pgEnum("non_working_day_kind", ["bank", "local"]);

export const nonWorkingDays = pgTable("non_working_days", {
  // One row per date: a date is either a working day or not, whatever the reasons.
  day: date("day", { mode: "string" }).primaryKey(),
  name: text("name").notNull(),
  kind: nonWorkingDayKind("kind").notNull(),
  // Null for bank holidays (written by a migration) and once the coordinator's account is gone.
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
