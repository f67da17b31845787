// Column types and expressions used by the directory search (full text + pg_trgm typo tolerance).
import { customType, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const tsvector = customType<{ data: string }>({
  dataType() {
    return "tsvector";
  },
});

/**
 * The text typo-tolerant matching compares against. The trigram index is built on exactly this
 * expression, so queries must use it verbatim to be served by the index.
 */
export const SERVICE_TRIGRAM_TEXT_SQL = `(lower(name || ' ' || summary))`;

/**
 * Every word that appears in the directory (service names, summaries and descriptions, organisation and category
 * names, synonyms), lower-case and unstemmed. A search word that is not here is probably a slip: it is corrected
 * against this small table (trigram index, then edit distance) before the full-text query runs. Kept up to date by
 * triggers (see the search_words migration); words are never removed, a stale one only costs a wasted alternative.
 */
export const searchWords = pgTable("search_words", {
  word: text("word").primaryKey(),
});

/**
 * Words and phrases that mean the same to the people searching ("grief", "bereavement"; "food bank", "larder").
 * Coordinators keep them at /coordinator/synonyms. A query that contains one term also searches for the others.
 */
export const synonymGroups = pgTable("synonym_groups", {
  id: uuid("id").primaryKey().defaultRandom(),
  terms: text("terms").array().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
