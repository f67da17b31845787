// insertMany: an import's new rows sent with COPY on PostgreSQL (drizzle's INSERT on PGlite) must store exactly
// what INSERT would, and a rejected batch must fail and roll back, not hang.
import { inArray, sql } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { copyText, insertMany } from "~/openreferral/copy-rows.server";

const id = (n: number) => `c0b7e000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

class RolledBack extends Error {}

/** Inserts the organisations with insertMany and reads them back in the same transaction, then rolls it back. */
async function insertAndReadBack(rows: ({ id: string; name: string } & Partial<typeof s.organisations.$inferInsert>)[]) {
  const db = await getDb();
  let stored: (typeof s.organisations.$inferSelect)[] = [];
  await db
    .transaction(async (tx) => {
      await insertMany(tx, s.organisations, rows);
      stored = await tx
        .select()
        .from(s.organisations)
        .where(
          inArray(
            s.organisations.id,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(s.organisations.id);
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return stored;
}

describe("COPY's text format", () => {
  it("escapes what would end a value or a row, and writes null as \\N", () => {
    expect(copyText("a\tb\nc\rd\\e")).toBe("a\\tb\\nc\\rd\\\\e");
    expect(copyText(null)).toBe("\\N");
    expect(copyText("\\N")).toBe("\\\\N");
    expect(copyText(true)).toBe("t");
    expect(copyText(new Date("2026-12-24T09:30:00Z"))).toBe("2026-12-24T09:30:00.000Z");
  });
});

describe("insertMany", () => {
  it("stores any text exactly as typed, leaves out columns to their defaults, and runs inside the caller's transaction", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        // Any Unicode text but NUL, which PostgreSQL's text type cannot hold whichever way it is sent.
        fc.array(
          fc.string({ unit: "grapheme", maxLength: 40 }).map((t) => t.replace(/\0/g, "")),
          { minLength: 1, maxLength: 8 },
        ),
        fc.option(fc.string({ unit: "binary", maxLength: 20 }).map((t) => t.replace(/\0/g, ""))),
        async (descriptions, phone) => {
          const rows = descriptions.map((description) => ({ id: id(++n), name: `Copy test ${n}`, description, phone }));
          const stored = await insertAndReadBack(rows);
          expect(stored.map(({ id, description, phone, status }) => ({ id, description, phone, status }))).toEqual(
            rows.map((r) => ({ id: r.id, description: r.description, phone: r.phone, status: "pending" })),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("sends rows that give different columns each with its own defaults", async () => {
    const rows = [
      { id: id(90_001), name: "Copy test with description", description: "Given" },
      { id: id(90_002), name: "Copy test without description" },
    ];
    const stored = await insertAndReadBack(rows);
    expect(stored.map(({ name, description }) => ({ name, description }))).toEqual([
      { name: "Copy test with description", description: "Given" },
      { name: "Copy test without description", description: "" },
    ]);
  });

  it("fails with the database's reason when a row breaks a rule, saves none of the batch, and leaves the connection usable", async () => {
    const db = await getDb();
    const rows = [
      { id: id(91_001), name: "Copy test duplicate A" },
      { id: id(91_001), name: "Copy test duplicate B" },
    ];
    const failure = await db
      .transaction(async (tx) => insertMany(tx, s.organisations, rows))
      .then(
        () => null,
        (error: Error & { cause?: Error }) => error,
      );
    // Drizzle's INSERT (PGlite) wraps the database's error; COPY (PostgreSQL) gives it as it is.
    expect(`${failure?.message} ${failure?.cause?.message}`).toMatch(/duplicate key value violates unique constraint "organisations_pkey"/);
    const left = await db
      .select({ id: s.organisations.id })
      .from(s.organisations)
      .where(inArray(s.organisations.id, [id(91_001)]));
    expect(left).toEqual([]);
    // Every connection of the pool still answers: a failed COPY used to leave its transaction open for ever.
    const answers = await Promise.all(Array.from({ length: 12 }, () => db.execute(sql`select 1 as one`)));
    expect(answers).toHaveLength(12);
  });
});
