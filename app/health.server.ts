import { sql } from "drizzle-orm";
import { databaseHandle } from "./db.server";

export async function checkHealth() {
  const started = performance.now();
  try {
    const handle = await databaseHandle();
    await handle.db.execute(sql`select 1`);
    return { ok: true as const, database: { engine: handle.engine, state: "up" as const, latencyMs: Math.round(performance.now() - started) } };
  } catch {
    return { ok: false as const, database: { state: "unreachable" as const } };
  }
}
