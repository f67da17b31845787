// The list's "matched in the name / in the summary" tiers: for a query of alternatives only, FORT checks a match
// limited to the weight instead of ts_rank with only that weight, which must give the same answer for every service.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "~/db.server";
import { limitToWeight, understandFilters } from "~/directory/search.server";

describe("limiting a query to the name's or the summary's weight", () => {
  it("labels every operand, prefixes included", () => {
    expect(limitToWeight("(('grief' | 'bereavment':*) | 'loss')", "A")).toBe("(('grief':A | 'bereavment':*A) | 'loss':A)");
  });

  it.each(["bereavment", "parentng", "grief", "carers", "playgroup", "girls", "massage", "dads", "nurture", "recovery", "holiday"])(
    "agrees with ts_rank on every service for “%s”",
    async (q) => {
      const understood = await understandFilters({ need: [], accepting: false, q });
      const tsquery = understood.text?.tsquery;
      expect(tsquery).toBeTruthy();
      expect(tsquery).not.toMatch(/[&!<]/);
      const db = await getDb();
      const result = await db.execute<Record<"differingA" | "differingB" | "named" | "summarised", number | string>>(sql`
        select count(*) filter (where (ts_rank('{0, 0, 0, 1}', search_document, q) > 0) <> (search_document @@ qa)) as "differingA",
               count(*) filter (where (ts_rank('{0, 0, 1, 0}', search_document, q) > 0) <> (search_document @@ qb)) as "differingB",
               count(*) filter (where search_document @@ qa) as named,
               count(*) filter (where search_document @@ qb) as summarised
        from services,
          lateral (select to_tsquery('english', ${tsquery}) as q,
                          to_tsquery('english', ${limitToWeight(tsquery!, "A")}) as qa,
                          to_tsquery('english', ${limitToWeight(tsquery!, "B")}) as qb) queries`);
      const [counts] = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as Record<
        "differingA" | "differingB" | "named" | "summarised",
        number | string
      >[];
      expect({ differingA: Number(counts!.differingA), differingB: Number(counts!.differingB) }).toEqual({ differingA: 0, differingB: 0 });
      // Not vacuous: the word is in some service's name or summary.
      expect(Number(counts!.named) + Number(counts!.summarised)).toBeGreaterThan(0);
    },
  );
});
