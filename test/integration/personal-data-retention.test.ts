// Issue 18: every copy of personal data goes after its period, with the clock moved on; each run leaves an audit row.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import type { CurrentUser } from "~/auth/session.server";
import { setClock } from "~/clock.server";
import { getDb } from "~/db.server";
import { queueMail } from "~/mail/mail.server";
import {
  FORMER_USER,
  INACTIVE_NOTE,
  anonymiseDeactivatedAccounts,
  closeInactiveReferrals,
  deleteAbandonedDrafts,
  purgeDeliveredMailBodies,
} from "~/privacy/retention.server";
import { pruneAuditLogs } from "~/audit/audit-trail.server";
import { open } from "~/privacy/crypto.server";
import { listDrafts, saveDraft } from "~/referrals/drafts.server";
import { anonymiseExpiredReferrals, REMOVED } from "~/reports/retention.server";
import { DEMO, outbox } from "../helpers";
import { SERVICE_A, demoUser } from "./referrals-helpers";
import { WARD, seedReferrals } from "./reports-helpers";

let referrer: CurrentUser;
beforeAll(async () => {
  referrer = await demoUser(DEMO.healthVisitor);
});
afterEach(() => setClock(null));

const at = (iso: string) => setClock({ now: () => new Date(iso) });

async function lastAudit(action: string) {
  const db = await getDb();
  const [row] = await db.select().from(s.auditLog).where(eq(s.auditLog.action, action)).orderBy(desc(s.auditLog.id)).limit(1);
  return row;
}

describe("abandoned drafts", () => {
  it("warns the owner in the last week, then deletes the draft after its period and audits the count", async () => {
    at("2026-03-01T09:00:00Z");
    const kept = await saveDraft(referrer, { childName: "Drew Draftkept" });
    const old = await saveDraft(referrer, { childName: "Ari Abandoned" });
    const db = await getDb();
    await db
      .update(s.referralDrafts)
      .set({ updatedAt: new Date("2026-01-25T09:00:00Z") })
      .where(eq(s.referralDrafts.id, old!));

    const listed = await listDrafts(referrer);
    expect(listed.find((d) => d.id === old)).toMatchObject({ expiresSoon: true });
    expect(listed.find((d) => d.id === kept)).toMatchObject({ expiresSoon: false });

    expect(await deleteAbandonedDrafts(30)).toBe(1);
    const left = (await listDrafts(referrer)).map((d) => d.childName);
    expect(left).toContain("Drew Draftkept");
    expect(left).not.toContain("Ari Abandoned");
    expect((await lastAudit("drafts_expired"))?.details).toEqual({ count: 1, retentionDays: 30 });
    expect(JSON.stringify((await lastAudit("drafts_expired"))?.details)).not.toContain("Ari");
  });
});

describe("inactive referrals", () => {
  it("closes an open referral with no activity for months, tells both sides, then anonymises it after retention", async () => {
    at("2026-06-01T12:00:00Z");
    const [stale, active] = await seedReferrals([
      { service: SERVICE_A, state: "accepted", sent: "2025-10-01", responded: "2025-10-02", ward: WARD.lochee },
      { service: SERVICE_A, state: "accepted", sent: "2025-10-01", responded: "2025-10-02", ward: WARD.lochee },
    ]);
    const db = await getDb();
    await db
      .update(s.referrals)
      .set({ lastActivityAt: new Date("2025-11-01T10:00:00Z"), referrerId: referrer.id })
      .where(eq(s.referrals.id, stale!));
    await db
      .update(s.referrals)
      .set({ lastActivityAt: new Date("2026-05-01T10:00:00Z") })
      .where(eq(s.referrals.id, active!));
    const mailBefore = (await outbox()).length;

    expect(await closeInactiveReferrals(6)).toBe(1);
    const rows = await db
      .select({ id: s.referrals.id, state: s.referrals.state, closeOutcome: s.referrals.closeOutcome, reference: s.referrals.reference })
      .from(s.referrals)
      .where(inArray(s.referrals.id, [stale!, active!]));
    const closed = rows.find((r) => r.id === stale)!;
    expect(closed).toMatchObject({ state: "closed", closeOutcome: "no_longer_active" });
    expect(rows.find((r) => r.id === active)!.state).toBe("accepted");
    const [history] = await db.select().from(s.referralHistory).where(eq(s.referralHistory.referralId, stale!));
    expect(history).toMatchObject({ action: "close", fromState: "accepted", toState: "closed" });
    expect(history!.note).toMatch(/^enc1:/);
    expect(open(history!.note)).toBe(INACTIVE_NOTE);
    // The service, the referrer and the coordinators hear of it.
    const mail = (await outbox()).slice(mailBefore);
    const recipients = mail.map((m) => m.to);
    expect(recipients).toContain(DEMO.healthVisitor);
    expect(recipients).toContain(DEMO.coordinator);
    expect(mail.some((m) => m.subject.includes(closed.reference))).toBe(true);
    expect(mail.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(mail)).not.toContain("Robin Report");
    expect((await lastAudit("inactive_referrals_closed"))?.details).toEqual({ count: 1, inactiveMonths: 6 });
    // Running again does nothing more.
    expect(await closeInactiveReferrals(6)).toBe(0);

    // Two years after closing, the normal retention removes the personal details.
    at("2028-06-02T12:00:00Z");
    await anonymiseExpiredReferrals(24);
    const [after] = await db
      .select({ childName: s.referrals.childName, parentPhone: s.referrals.parentPhone })
      .from(s.referrals)
      .where(eq(s.referrals.id, stale!));
    expect(after).toEqual({ childName: REMOVED, parentPhone: null });
  });
});

describe("delivered mail", () => {
  it("empties the body and hashes the recipient after the period, keeping subject and status", async () => {
    at("2026-03-01T09:00:00Z");
    const db = await getDb();
    await queueMail({ to: "Family.Person@example.org", subject: "Purge me REF-1", text: "A body that should go" });
    await queueMail({ to: "pending.person@example.org", subject: "Still pending", text: "Not delivered yet" });
    await db
      .update(s.mailOutbox)
      .set({ status: "sent", sentAt: new Date("2026-01-01T09:00:00Z") })
      .where(eq(s.mailOutbox.subject, "Purge me REF-1"));

    expect(await purgeDeliveredMailBodies(30)).toBeGreaterThanOrEqual(1);
    const [purged] = await db.select().from(s.mailOutbox).where(eq(s.mailOutbox.subject, "Purge me REF-1"));
    expect(purged).toMatchObject({ status: "sent", text: "" });
    const expected = (await import("node:crypto")).createHash("sha256").update("family.person@example.org").digest("hex");
    expect(purged!.to).toBe(`sha256:${expected}`);
    const [pending] = await db.select().from(s.mailOutbox).where(eq(s.mailOutbox.subject, "Still pending"));
    expect(pending).toMatchObject({ to: "pending.person@example.org", text: "Not delivered yet" });
    expect((await lastAudit("mail_bodies_purged"))?.details).toMatchObject({ retentionDays: 30 });
  });
});

describe("logs", () => {
  // One log retention job (issue 15's audit-retention, AUDIT_RETENTION_MONTHS): the only deletion the append-only trigger allows.
  it("removes access-log and audit-log rows older than the period and keeps newer ones", async () => {
    at("2026-06-01T12:00:00Z");
    const [referral] = await seedReferrals([{ service: SERVICE_A, state: "sent", sent: "2026-05-01", ward: WARD.lochee }]);
    const db = await getDb();
    await db.insert(s.referralAccessLog).values([
      { referralId: referral!, userId: referrer.id, kind: "viewed", at: new Date("2019-01-01T00:00:00Z") },
      { referralId: referral!, userId: referrer.id, kind: "viewed", at: new Date("2026-05-01T00:00:00Z") },
    ]);
    await db.insert(s.auditLog).values([
      { action: "sign_in", actorId: referrer.id, at: new Date("2019-01-01T00:00:00Z"), details: { marker: "old" } },
      { action: "sign_in", actorId: referrer.id, at: new Date("2026-05-01T00:00:00Z"), details: { marker: "new" } },
    ]);
    expect(await pruneAuditLogs(72)).toBeGreaterThanOrEqual(2);
    const access = await db.select().from(s.referralAccessLog).where(eq(s.referralAccessLog.referralId, referral!));
    expect(access.map((a) => a.at.toISOString())).toEqual(["2026-05-01T00:00:00.000Z"]);
    const markers = (await db.select({ details: s.auditLog.details }).from(s.auditLog).where(eq(s.auditLog.action, "sign_in"))).map((r) => r.details.marker);
    expect(markers).toContain("new");
    expect(markers).not.toContain("old");
    expect((await lastAudit("audit_entries_expired"))?.details).toMatchObject({ retentionMonths: 72 });
  });
});

describe("deactivated accounts", () => {
  it("replaces the name and email of an account deactivated longer than the period, everywhere it was copied", async () => {
    at("2026-06-01T12:00:00Z");
    const db = await getDb();
    const [gone] = await db
      .insert(s.users)
      .values({ email: "leaver@fort.example.org", name: "Lee Leaver", role: "referrer", active: false, deactivatedAt: new Date("2025-01-01T00:00:00Z") })
      .returning({ id: s.users.id });
    const [recent] = await db
      .insert(s.users)
      .values({ email: "recent@fort.example.org", name: "Rae Recent", role: "referrer", active: false, deactivatedAt: new Date("2026-05-01T00:00:00Z") })
      .returning({ id: s.users.id });
    const [referral] = await seedReferrals([{ service: SERVICE_A, state: "sent", sent: "2026-05-01", ward: WARD.lochee }]);
    await db
      .insert(s.referralHistory)
      .values({ referralId: referral!, actorId: gone!.id, actorLabel: "Lee Leaver", party: "referrer", action: "submit", fromState: "draft", toState: "sent" });

    expect(await anonymiseDeactivatedAccounts(12)).toBe(1);
    const users = await db
      .select({ id: s.users.id, name: s.users.name, email: s.users.email })
      .from(s.users)
      .where(inArray(s.users.id, [gone!.id, recent!.id]));
    expect(users.find((u) => u.id === gone!.id)).toMatchObject({ name: FORMER_USER });
    expect(users.find((u) => u.id === gone!.id)!.email).not.toContain("leaver");
    expect(users.find((u) => u.id === recent!.id)).toMatchObject({ name: "Rae Recent", email: "recent@fort.example.org" });
    const [history] = await db
      .select({ label: s.referralHistory.actorLabel })
      .from(s.referralHistory)
      .where(and(eq(s.referralHistory.referralId, referral!), eq(s.referralHistory.actorId, gone!.id)));
    expect(history!.label).toBe(FORMER_USER);
    expect((await lastAudit("accounts_anonymised"))?.details).toEqual({ count: 1, retentionMonths: 12 });
    expect(await anonymiseDeactivatedAccounts(12)).toBe(0);
    void sql;
  });
});
