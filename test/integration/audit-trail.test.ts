import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { auditTrail, auditTrailCsv, pruneAuditLogs, referralAccessHistory } from "~/audit/audit-trail.server";
import { audit } from "~/audit/audit.server";
import { setClock } from "~/clock.server";
import { getDb } from "~/db.server";
import { openDetailsWithReason } from "~/referrals/access.server";
import { sendReferral } from "~/referrals/commands.server";
import { getReferral } from "~/referrals/queries.server";
import { SERVICE_A, demoUsers, serviceId, validInput } from "./referrals-helpers";

afterEach(() => setClock(null));

/** The database's own message (drizzle wraps it in "Failed query"). */
async function refusal(query: Promise<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    const e = error as Error & { cause?: Error };
    return `${e.message} ${e.cause?.message ?? ""}`;
  }
  return "not refused";
}

async function referralWithReadByCoordinator() {
  const u = await demoUsers();
  const { ids } = await sendReferral(u.healthVisitor, validInput([await serviceId(SERVICE_A)]));
  const id = ids[0]!;
  await openDetailsWithReason(u.coordinator, id, "Checking a safeguarding concern raised by the school", "10.0.0.1");
  await getReferral(u.providerOne, id, "10.0.0.2");
  const db = await getDb();
  const [row] = await db.select({ reference: s.referrals.reference }).from(s.referrals).where(eq(s.referrals.id, id));
  return { u, id, reference: row!.reference };
}

describe("the audit trail a data-protection officer reads", () => {
  it("shows who opened a referral's personal details, from which organisation, when and why, by reference and in its own history", async () => {
    const { u, id, reference } = await referralWithReadByCoordinator();
    const entries = await auditTrail(u.coordinator, { reference: reference.toLowerCase() });
    expect(entries.every((e) => e.reference === reference)).toBe(true);
    expect(entries).toContainEqual(
      expect.objectContaining({
        person: u.coordinator.name,
        role: "coordinator",
        reason: "Checking a safeguarding concern raised by the school",
        what: expect.stringMatching(/with a reason/),
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        person: u.providerOne.name,
        organisation: expect.stringContaining(u.providerOne.organisations[0]!.name),
        what: "Read the referral's personal details",
      }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ person: u.healthVisitor.name, what: "Changed the referral" }));
    expect((await referralAccessHistory(u.coordinator, id)).map((e) => e.key)).toEqual(entries.map((e) => e.key));

    const byPerson = await auditTrail(u.coordinator, { person: u.coordinator.id, reference });
    expect(byPerson.map((e) => e.person)).toEqual([u.coordinator.name]);
    // Only coordinators read the trail, whoever calls the domain function.
    await expect(auditTrail(u.providerOne, { reference })).rejects.toMatchObject({ status: 403 });
    await expect(referralAccessHistory(u.healthVisitor, id)).rejects.toMatchObject({ status: 403 });
    const byOrganisation = await auditTrail(u.coordinator, { organisation: u.providerOne.organisations[0]!.id, reference });
    expect(byOrganisation.map((e) => e.person)).toEqual([u.providerOne.name]);
    expect(await auditTrail(u.coordinator, { reference, from: "2000-01-01", to: "2000-01-31" })).toEqual([]);

    const csv = auditTrailCsv(entries);
    expect(csv.startsWith("\uFEFFWhen (UTC),Person,Role,Organisation,What,Referral reference")).toBe(true);
    expect(csv).toContain(`${u.coordinator.name},coordinator,`);
    expect(csv).toContain(`${reference},${reference},Checking a safeguarding concern raised by the school`);
  });

  it("refuses to change or delete entries, except the retention job removing old ones", async () => {
    const { u, id } = await referralWithReadByCoordinator();
    await audit({ actorId: u.coordinator.id, action: "role_changed", subjectType: "user", subjectId: u.teacher.id });
    const db = await getDb();
    expect(await refusal(db.execute(sql`update referral_access_log set reason = 'edited' where referral_id = ${id}`))).toMatch(/append-only/);
    expect(await refusal(db.execute(sql`delete from referral_access_log where referral_id = ${id}`))).toMatch(/append-only/);
    expect(await refusal(db.execute(sql`update audit_log set action = 'edited'`))).toMatch(/append-only/);
    expect(await refusal(db.execute(sql`delete from audit_log`))).toMatch(/append-only/);
    expect((await referralAccessHistory(u.coordinator, id)).length).toBeGreaterThan(0);

    // Eight years on, with the default retention of 84 months, the job removes them and records that it did.
    const later = new Date(Date.now() + 8 * 366 * 86_400_000);
    setClock({ now: () => later });
    expect(await pruneAuditLogs()).toBeGreaterThan(0);
    expect(await referralAccessHistory(u.coordinator, id)).toEqual([]);
    expect((await auditTrail(u.coordinator, {}, 5))[0]).toMatchObject({ what: expect.stringMatching(/^Deleted audit entries past the retention period/) });
  });
});
