// Open Referral UK imports: an uploaded feed is staged here and previewed; nothing in the directory
// changes until a coordinator confirms it (see docs/decisions/0007-open-referral-api-and-import.md).
import { customType, index, integer, pgEnum, pgTable, text, timestamp, uuid, jsonb } from "drizzle-orm/pg-core";
import { users } from "./accounts";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  // postgres.js sends Buffers as bytea; PGlite accepts them too.
  toDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
});

// "applying": confirmed and being written in the background; it goes on to "applied", or back to "previewed" (with
// the reason in `progress`) when the run fails or its server stopped, so the coordinator can import it again.
export const openReferralImportState = pgEnum("open_referral_import_state", ["previewed", "applying", "applied", "discarded"]);

export const openReferralImports = pgTable(
  "open_referral_imports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** What the coordinator uploaded: file names, joined for a multi-file CSV upload. */
    fileName: text("file_name").notNull(),
    /** Recorded on every imported service (services.source). */
    source: text("source").notNull(),
    format: text("format").notNull(),
    /** The uploaded bytes exactly as received (a JSON feed, or a zip of the tabular CSV files). */
    content: bytea("content").notNull(),
    byteSize: integer("byte_size").notNull(),
    /** The preview shown when the file was staged (ImportReport), and the result once applied. */
    preview: jsonb("preview").notNull(),
    result: jsonb("result"),
    state: openReferralImportState("state").notNull().default("previewed"),
    /** While applying: records done, of how many, rate, time left (ImportRunProgress); after a failed run, why it stopped. */
    progress: jsonb("progress"),
    /** When the running server last wrote `progress`: a run that has not written for a while has stopped (a restart). */
    progressAt: timestamp("progress_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [index("open_referral_imports_created_by_idx").on(t.createdBy, t.createdAt)],
);
