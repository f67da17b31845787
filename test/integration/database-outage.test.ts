// The database goes away under load and comes back (issue 11): FORT keeps running, answers 503 meanwhile, resumes by
// itself, and loses or doubles no referral. Runs on a PostgreSQL server of its own that it crashes on purpose
// (pg_ctl stop -m immediate) while 16 referral sends are in flight, twice. PostgreSQL only.
import { inArray } from "drizzle-orm";
import { open } from "~/privacy/crypto.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { type DatabaseHandle, isDatabaseUnavailable, migrateDatabase, openDatabase, setDatabaseHandle } from "~/db.server";
import { checkHealth } from "~/health.server";
import { databaseOutageResponse, noteDatabaseOutage } from "~/http/outage.server";
import { seedDemoData } from "../../db/seed";
import * as newReferral from "~/routes/referrals.new";
import { DEMO, signedIn } from "../helpers";
import { SERVICE_A, serviceId, validInput } from "./referrals-helpers";
import { startThrowawayPostgres, throwawayPostgresAvailable, type ThrowawayPostgres } from "../support/throwaway-postgres";

const enabled = Boolean(process.env.DATABASE_URL) && throwawayPostgresAvailable();
const IN_FLIGHT = 16;
// Five in the suite, as the issue asks (about 45 s on PostgreSQL); FAULT_OUTAGES=N for more or fewer by hand.
const OUTAGES = Number(process.env.FAULT_OUTAGES ?? 5);

let server: ThrowawayPostgres;
let handle: DatabaseHandle;

beforeAll(async () => {
  if (!enabled) return;
  server = startThrowawayPostgres();
  handle = await openDatabase({ url: server.url });
  await migrateDatabase(handle);
  await seedDemoData(handle.db);
  setDatabaseHandle(handle);
}, 120_000);

afterAll(async () => {
  if (!enabled) return;
  await handle?.close().catch(() => {});
  server?.destroy();
});

type Outcome = { childName: string; outcome: "sent" | "refused" };

async function send(cookie: string, childName: string, service: string): Promise<Outcome> {
  const values = new URLSearchParams({ intent: "send", idempotencyKey: crypto.randomUUID() });
  for (const [k, v] of Object.entries(validInput([service], { childName }))) {
    for (const one of ([] as unknown[]).concat(v)) values.append(k, one === true ? "on" : String(one));
  }
  const request = new Request("http://localhost/referrals/new", {
    method: "POST",
    body: values,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost", Cookie: cookie },
  });
  try {
    await newReferral.action({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response && thrown.status === 302) return { childName, outcome: "sent" };
    // What the person sees: the 503 page saying nothing was sent.
    if (!noteDatabaseOutage(request, thrown)) throw thrown;
    const page = databaseOutageResponse(request);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("nothing was sent");
    return { childName, outcome: "refused" };
  }
  throw new Error("the action neither redirected nor failed");
}

async function eventually<T>(what: () => Promise<T>, deadlineMs = 30_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await what();
    } catch (error) {
      if (Date.now() > until || !isDatabaseUnavailable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe.skipIf(!enabled)("a database crash under 16 in-flight referral sends", () => {
  it("leaves FORT running and every acknowledged referral there exactly once, with its history and mail", { timeout: 60_000 + OUTAGES * 30_000 }, async () => {
    const { cookie } = await signedIn(DEMO.healthVisitor);
    const service = await serviceId(SERVICE_A);
    const outcomes: Outcome[] = [];
    let counter = 0;
    let stop = false;
    const sender = async () => {
      while (!stop) {
        const outcome = await send(cookie, `Outage Child ${++counter}`, service);
        outcomes.push(outcome);
        if (outcome.outcome === "refused") await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const senders = Array.from({ length: IN_FLIGHT }, sender);

    for (let round = 0; round < OUTAGES; round++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      server.crash();
      await new Promise((resolve) => setTimeout(resolve, 500));
      // While it is down, /healthz says so.
      expect((await checkHealth()).ok).toBe(false);
      server.start();
      // Service resumes by itself: no restart of FORT, no reconnect by hand.
      await eventually(async () => {
        if (!(await checkHealth()).ok) throw Object.assign(new Error("not yet"), { code: "ECONNREFUSED" });
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    stop = true;
    await Promise.all(senders);

    const sent = outcomes.filter((o) => o.outcome === "sent").map((o) => o.childName);
    const refused = outcomes.filter((o) => o.outcome === "refused").map((o) => o.childName);
    expect(sent.length).toBeGreaterThan(IN_FLIGHT);
    expect(refused.length, "the outages refused some sends").toBeGreaterThan(0);

    const db = handle.db;
    // Names are sealed at rest (issue 18): open them to find this test's referrals.
    const rows = (
      await eventually(() =>
        db.select({ id: s.referrals.id, childName: s.referrals.childName, reference: s.referrals.reference, state: s.referrals.state }).from(s.referrals),
      )
    )
      .map((r) => ({ ...r, childName: open(r.childName) }))
      .filter((r) => r.childName.startsWith("Outage Child "));
    const byChild = new Map<string, typeof rows>();
    for (const row of rows) byChild.set(row.childName, [...(byChild.get(row.childName) ?? []), row]);
    for (const childName of sent) expect(byChild.get(childName)?.length ?? 0, `${childName} was acknowledged`).toBe(1);
    for (const childName of refused) expect(byChild.get(childName) ?? [], `${childName} was refused`).toEqual([]);
    const acknowledged = sent.map((c) => byChild.get(c)![0]!);
    expect(acknowledged.every((r) => r.state === "sent")).toBe(true);

    const history = await db
      .select({ referralId: s.referralHistory.referralId })
      .from(s.referralHistory)
      .where(
        inArray(
          s.referralHistory.referralId,
          acknowledged.map((r) => r.id),
        ),
      );
    const withHistory = new Set(history.map((h) => h.referralId));
    expect(
      acknowledged.filter((r) => !withHistory.has(r.id)),
      "referrals without history",
    ).toEqual([]);
    const mail = await db.select({ subject: s.mailOutbox.subject }).from(s.mailOutbox);
    const mailed = new Set(mail.flatMap((m) => m.subject.match(/FR-[A-Z0-9]{4}-[A-Z0-9]{4}/g) ?? []));
    expect(
      acknowledged.filter((r) => !mailed.has(r.reference)),
      "referrals without outbox mail",
    ).toEqual([]);

    // And FORT still serves: one more send goes through.
    expect((await send(cookie, "After The Outage", service)).outcome).toBe("sent");
    const names = (await db.select({ childName: s.referrals.childName }).from(s.referrals)).map((r) => open(r.childName));
    expect(names).toContain("After The Outage");
  });
});
