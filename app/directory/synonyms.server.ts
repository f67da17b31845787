// Synonyms for the directory's search, kept by coordinators: groups of words and phrases that mean the same to the
// people searching. See query-understanding.server.ts for how a query uses them.
import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import * as s from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { getDb } from "../db.server";
import { forgetSynonyms, queryWords } from "./query-understanding.server";

export interface SynonymGroup {
  id: string;
  terms: string[];
}

/** One group as typed into the form: terms separated by commas. */
export const synonymGroupSchema = z.object({
  terms: z
    .string({ required_error: "Enter at least two words or phrases, separated by commas" })
    .transform((value) => [
      ...new Set(
        value
          .split(",")
          .map((t) => queryWords(t).join(" "))
          .filter((t) => t.length > 0),
      ),
    ])
    .pipe(
      z
        .array(z.string().max(60, "Keep each word or phrase to 60 characters or fewer"))
        .min(2, "Enter at least two words or phrases, separated by commas, for example: grief, bereavement")
        .max(20, "Enter 20 words or phrases or fewer in one group; start another group for more"),
    ),
});

export class SynonymsRefused extends Error {}

function requireCoordinator(actor: CurrentUser) {
  if (actor.role !== "coordinator") throw new SynonymsRefused("Only coordinators can change the search synonyms.");
}

export async function listSynonymGroups(): Promise<SynonymGroup[]> {
  const db = await getDb();
  const rows = await db
    .select({ id: s.synonymGroups.id, terms: s.synonymGroups.terms })
    .from(s.synonymGroups)
    .orderBy(asc(sql`${s.synonymGroups.terms}[1]`));
  return rows;
}

/** Adds a group (no id) or replaces one group's terms. */
export async function saveSynonymGroup(actor: CurrentUser, id: string | null, terms: string[]): Promise<void> {
  requireCoordinator(actor);
  const db = await getDb();
  if (id) await db.update(s.synonymGroups).set({ terms, updatedAt: new Date() }).where(eq(s.synonymGroups.id, id));
  else await db.insert(s.synonymGroups).values({ terms });
  forgetSynonyms();
}

export async function deleteSynonymGroup(actor: CurrentUser, id: string): Promise<void> {
  requireCoordinator(actor);
  const db = await getDb();
  await db.delete(s.synonymGroups).where(eq(s.synonymGroups.id, id));
  forgetSynonyms();
}
