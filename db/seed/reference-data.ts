import { sql } from "drizzle-orm";
import type { Database } from "../../app/db.server";
import { CATEGORIES, SHANARRI } from "../../app/directory/taxonomy";
import { taxonomyTerms } from "../schema";

/** Vocabularies every deployment needs; safe to run on every start. */
export async function seedReferenceData(db: Database) {
  const rows = [
    ...SHANARRI.map((s) => ({ taxonomy: "shanarri", code: s.code, name: s.name, description: s.description })),
    ...CATEGORIES.map((c) => ({ taxonomy: "category", code: c.code, name: c.name, description: "" })),
  ];
  await db
    .insert(taxonomyTerms)
    .values(rows)
    .onConflictDoUpdate({
      target: [taxonomyTerms.taxonomy, taxonomyTerms.code],
      set: { name: sql`excluded.name`, description: sql`excluded.description` },
    });
}
