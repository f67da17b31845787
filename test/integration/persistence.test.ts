import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { seedDemoData } from "../../db/seed";
import { migrateDatabase, openDatabase } from "~/db.server";

describe("the embedded database", () => {
  // Two cold starts of the WASM engine with full migrations and seeding: slow on a busy machine.
  it("keeps its data between a stop and a start, and seeds only the first time", { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "fort-pglite-"));
    try {
      const first = await openDatabase({ dataDir: dir });
      await migrateDatabase(first);
      expect(await seedDemoData(first.db)).toBe(true);
      await first.db.insert(s.teams).values({ name: "Added before restart", kind: "other" });
      await first.close();

      const second = await openDatabase({ dataDir: dir });
      await migrateDatabase(second);
      expect(await seedDemoData(second.db)).toBe(false);
      const rows = await second.db
        .select({ n: sql<number>`count(*)::int` })
        .from(s.teams)
        .where(sql`${s.teams.name} = 'Added before restart'`);
      expect(rows[0]!.n).toBe(1);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
