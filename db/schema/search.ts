// Column types and expressions used by the directory search (full text + pg_trgm typo tolerance).
import { customType } from "drizzle-orm/pg-core";

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
