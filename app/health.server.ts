import { sql } from "drizzle-orm";
import { databaseHandle } from "./db.server";

export async function checkHealth() {
  const started = performance.now();
  try {
    const handle = await databaseHandle();
    // Answer within a few seconds even when the database hangs, so a load balancer is not left waiting.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("database did not answer within 3 seconds")), 3_000);
    });
    try {
      await Promise.race([handle.db.execute(sql`select 1`), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return { ok: true as const, database: { engine: handle.engine, state: "up" as const, latencyMs: Math.round(performance.now() - started) } };
  } catch {
    return { ok: false as const, database: { state: "unreachable" as const, message: "FORT cannot reach its database; requests get a 503 until it is back." } };
  }
}
