// Referral sending at 16 in flight on PostgreSQL (issue 14), side by side in one run: the send path as it is
// (sendReferral: one transaction of multi-row statements, pipelined) against the path before issue 14 (insert a
// draft, then changeState's "submit": lock, update, history, access log, intake address, mail, notify, one
// statement at a time, per service), on the same database and demo data. Run by hand, never in tests:
//
//   npx tsx bench/send-throughput.ts [seconds per path = 15] [in flight = 16] [services per referral = 1]
//
// BENCH_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server; the database
// fort_bench_send is dropped and made again. The app's pool (10 connections, app/db.server.ts) is used as it is.
import postgres from "postgres";
import type { CurrentUser } from "../app/auth/session.server";
import type { ReferralInput } from "../app/referrals/forms";

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SECONDS = Number(process.argv[2] ?? 15);
const IN_FLIGHT = Number(process.argv[3] ?? 16);
const SERVICES = Number(process.argv[4] ?? 1);
const NAME = "fort_bench_send";

const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${NAME} with (force)`);
await admin.unsafe(`create database ${NAME}`);
await admin.end();
const url = new URL(ADMIN_URL);
url.pathname = `/${NAME}`;
process.env.DATABASE_URL = url.toString();
process.env.SEED_DEMO_DATA = "true";

const { databaseHandle, migrateDatabase } = await import("../app/db.server");
const { seedDemoData } = await import("../db/seed");
const { sendReferral, changeState } = await import("../app/referrals/commands.server");
const { checkServices } = await import("../app/referrals/eligibility.server");
const { newReference } = await import("../app/referrals/access.server");
const { referralArea } = await import("../app/geo/postcodes.server");
const { needsOf } = await import("../app/referrals/forms");
const { setMailTransport } = await import("../app/mail/mail.server");
const schema = await import("../db/schema");
const { and, eq, inArray } = await import("drizzle-orm");

setMailTransport(async () => {});
const handle = await databaseHandle();
await migrateDatabase(handle);
await seedDemoData(handle.db);
const db = handle.db;

const [referrer] = await db
  .select({ id: schema.users.id, email: schema.users.email, name: schema.users.name, role: schema.users.role, teamId: schema.users.teamId })
  .from(schema.users)
  .where(eq(schema.users.email, "health.visitor@fort.example.org"));
const user = { ...referrer!, organisations: [] } as CurrentUser;
const year = new Date().getUTCFullYear();
const input = (serviceIds: string[]): ReferralInput =>
  ({
    serviceIds,
    childName: "Casey Bench",
    childDateOfBirth: `${year - 6}-02-01`,
    childPostcode: "DD1 1AA",
    parentName: "Pat Bench",
    parentRelationship: "Father",
    parentPhone: "01632 960002",
    contactPreference: "phone",
    need_nurtured: true,
    need_nurtured_detail: "Support with routines.",
    familyWants: "A parenting group.",
    urgency: "routine",
    consentGivenBy: "Pat Bench (father)",
    consentDate: new Date().toISOString().slice(0, 10),
    consentMethod: "verbal",
    consentConfirmed: true,
  }) as ReferralInput;

// Services this child fits (the eligibility check runs before the transaction in both paths).
const published = await db.select({ id: schema.services.id }).from(schema.services).where(eq(schema.services.publication, "published"));
const fits = (
  await checkServices(
    published.map((p) => p.id),
    { dateOfBirth: input([]).childDateOfBirth, postcode: "DD1 1AA", needCodes: ["nurtured"] },
    new Date(),
  )
)
  .filter((f) => f.problems.length === 0)
  .map((f) => f.serviceId);
if (fits.length < SERVICES) throw new Error(`only ${fits.length} demo services fit the bench child`);
console.log(`${fits.length} demo services fit; each referral goes to ${SERVICES}`);

/** The send path before issue 14, kept here for the comparison: a draft, then changeState per service. */
async function sendBefore(u: CurrentUser, i: ReferralInput) {
  const unfit = (
    await checkServices(i.serviceIds, { dateOfBirth: i.childDateOfBirth, postcode: i.childPostcode, needCodes: needsOf(i).map((n) => n.code) }, new Date())
  ).filter((f) => f.problems.length > 0);
  if (unfit.length) throw new Error("unfit");
  return db.transaction(async (tx) => {
    const services = await tx
      .select({ id: schema.services.id, organisationId: schema.services.organisationId })
      .from(schema.services)
      .where(and(inArray(schema.services.id, i.serviceIds), eq(schema.services.publication, "published")))
      .for("share");
    const groupId = crypto.randomUUID();
    for (const serviceId of i.serviceIds) {
      const service = services.find((x) => x.id === serviceId)!;
      const [row] = await tx
        .insert(schema.referrals)
        .values({
          referrerId: u.id,
          teamId: u.teamId,
          childName: i.childName,
          childDateOfBirth: i.childDateOfBirth,
          childPostcode: i.childPostcode,
          parentName: i.parentName,
          parentRelationship: i.parentRelationship,
          parentPhone: i.parentPhone ?? null,
          contactPreference: i.contactPreference,
          needs: needsOf(i),
          familyWants: i.familyWants,
          urgency: i.urgency,
          consentGivenBy: i.consentGivenBy,
          consentDate: i.consentDate,
          consentMethod: i.consentMethod,
          ...referralArea(i.childPostcode),
          groupId,
          reference: newReference(),
          serviceId,
          organisationId: service.organisationId,
          state: "draft",
          updatedBy: u.id,
          updatedByLabel: u.name,
        })
        .returning({ id: schema.referrals.id });
      await changeState({ kind: "user", user: u }, row!.id, "submit", 1, {}, tx);
    }
  });
}

const quantile = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
async function measure(name: string, send: (u: CurrentUser, i: ReferralInput) => Promise<unknown>, seconds = SECONDS) {
  let next = 0;
  const times: number[] = [];
  let failed = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        const k = next++;
        const ids = Array.from({ length: SERVICES }, (_, j) => fits[(k + j) % fits.length]!);
        const t = performance.now();
        try {
          await send(user, input(ids));
          times.push(performance.now() - t);
        } catch (error) {
          failed++;
          if (failed < 3) console.error(error);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const result = { name, sends: times.length, perSecond: times.length / elapsed, p50: quantile(times, 0.5), p95: quantile(times, 0.95), failed };
  console.log(
    `${name}: ${result.sends} sends in ${elapsed.toFixed(1)} s = ${result.perSecond.toFixed(0)}/s, p50 ${result.p50.toFixed(0)} ms, p95 ${result.p95.toFixed(0)} ms, ${failed} failed`,
  );
  return result;
}

// Warm up (connections, plans), then each path in turn on the same database.
await measure("warm-up (now)", sendReferral, 3).catch(() => {});
const before = await measure("before issue 14 (draft + changeState)", sendBefore);
const now = await measure("now (sendReferral)", sendReferral);
const { loadavg } = await import("node:os");
console.log(
  `\nLoad average: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(", ")}`,
);
console.log(`\n| Referral send, ${IN_FLIGHT} in flight, ${SERVICES} service(s) each, PostgreSQL, ${SECONDS} s | sends/s | p50 | p95 |\n|---|---:|---:|---:|`);
for (const r of [before, now]) console.log(`| ${r.name} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(0)} ms | ${r.p95.toFixed(0)} ms |`);
console.log(`\nRatio (now ÷ before, sends/s): ${(now.perSecond / before.perSecond).toFixed(2)}`);
await handle.close();
