import { eq, sql } from "drizzle-orm";
import { open } from "~/privacy/crypto.server";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { setClock } from "~/clock.server";
import { databaseHandle, getDb } from "~/db.server";
import { subscribe, type ReferralEvent } from "~/referrals/live.server";
import { hashSecret } from "~/auth/policy.server";
import { openDetailsWithReason } from "~/referrals/access.server";
import { changeState, sendReferral } from "~/referrals/commands.server";
import { postMessage } from "~/referrals/messages.server";
import { createSelfReferral } from "~/referrals/family-requests.server";
import { ReferralConflict, ReferralNotFound, ReferralRefused } from "~/referrals/errors";
import { coordinatorOverview, getReferral, providerInbox, referrerDashboard, unreadCount } from "~/referrals/queries.server";
import { getTrackedReferral } from "~/referrals/tracking.server";
import { SERVICE_A, SERVICE_B, colleagueOf, demoUsers, serviceId, validInput } from "./referrals-helpers";

type Users = Awaited<ReturnType<typeof demoUsers>>;
let u: Users;
let serviceA: string;
let serviceB: string;

beforeAll(async () => {
  u = await demoUsers();
  serviceA = await serviceId(SERVICE_A);
  serviceB = await serviceId(SERVICE_B);
});

afterEach(() => setClock(null));

const asUser = (user: Users[keyof Users]) => ({ kind: "user" as const, user });

async function sendToBoth() {
  const { ids } = await sendReferral(u.healthVisitor, validInput([serviceA, serviceB]));
  const db = await getDb();
  const rows = await db
    .select({ id: s.referrals.id, serviceId: s.referrals.serviceId })
    .from(s.referrals)
    .where(sql`${s.referrals.id} in ${ids}`);
  return { toA: rows.find((r) => r.serviceId === serviceA)!.id, toB: rows.find((r) => r.serviceId === serviceB)!.id };
}

describe("sending a referral", () => {
  it("makes one referral per service, linked as a group, each sent with its history and an email without the child's details", async () => {
    const db = await getDb();
    const before = (await db.select({ n: sql<number>`count(*)::int` }).from(s.mailOutbox))[0]!.n;
    const { toA, toB } = await sendToBoth();
    const rows = await db
      .select()
      .from(s.referrals)
      .where(sql`${s.referrals.id} in ${[toA, toB]}`);
    expect(rows.map((r) => r.state)).toEqual(["sent", "sent"]);
    expect(rows[0]!.groupId).toBe(rows[1]!.groupId);
    expect(new Set(rows.map((r) => r.organisationId)).size).toBe(2);
    const history = await db.select().from(s.referralHistory).where(eq(s.referralHistory.referralId, toA));
    expect(history).toMatchObject([{ action: "submit", fromState: "draft", toState: "sent", actorLabel: u.healthVisitor.name }]);

    const mail = await db.select().from(s.mailOutbox).orderBy(s.mailOutbox.createdAt);
    const added = mail.slice(before);
    expect(added.map((m) => m.to).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^referrals@/)]));
    expect(added).toHaveLength(2);
    for (const m of added) {
      expect(m.text).toContain("/referrals/");
      expect(m.text + m.subject).not.toContain("Casey");
      expect(m.text + m.subject).not.toContain("Pat Integration");
      expect(m.text + m.subject).not.toContain("DD1 1AA");
    }
  });

  it("refuses to send without consent", async () => {
    await expect(sendReferral(u.healthVisitor, validInput([serviceA], { consentConfirmed: false }))).rejects.toThrow(ReferralRefused);
  });
});

describe("who can read a referral", () => {
  it("its referrer, the referrer's team and the receiving provider can; another provider, another team, a made-up id and the public cannot", async () => {
    const { toA } = await sendToBoth();
    expect((await getReferral(u.healthVisitor, toA))?.personal?.childName).toBe("Casey Integration");
    const colleague = await colleagueOf(u.healthVisitor, "colleague.read@fort.example.org");
    expect((await getReferral(colleague, toA))?.personal?.childName).toBe("Casey Integration");
    expect((await getReferral(u.providerOne, toA))?.personal?.childName).toBe("Casey Integration");

    expect(await getReferral(u.providerTwo, toA)).toBeNull();
    expect(await getReferral(u.teacher, toA)).toBeNull();
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-an-id", "' or 1=1 --", ""]) {
      expect(await getReferral(u.providerOne, id)).toBeNull();
    }
    expect(await getTrackedReferral("FR-AAAA-AAAA", "guess")).toBeNull();
  });

  it("another provider or referrer cannot change it or write on it, and is told only that it was not found", async () => {
    const { toA } = await sendToBoth();
    await expect(changeState(asUser(u.providerTwo), toA, "accept", 2)).rejects.toThrow(ReferralNotFound);
    await expect(changeState(asUser(u.teacher), toA, "withdraw", 2)).rejects.toThrow(ReferralNotFound);
    await expect(postMessage(asUser(u.providerTwo), toA, "hello")).rejects.toThrow(ReferralNotFound);
    await expect(postMessage(asUser(u.teacher), toA, "hello")).rejects.toThrow(ReferralNotFound);
    await expect(changeState({ kind: "family", secret: "anything" }, toA, "withdraw", 2)).rejects.toThrow(ReferralNotFound);
  });

  it("lists only what each may see, inside the query", async () => {
    const { toA, toB } = await sendToBoth();
    const inboxOne = await providerInbox(u.providerOne, {});
    expect(inboxOne.items.map((i) => i.id)).toContain(toA);
    expect(inboxOne.items.map((i) => i.id)).not.toContain(toB);
    const inboxTwo = await providerInbox(u.providerTwo, {});
    expect(inboxTwo.items.map((i) => i.id)).toContain(toB);
    expect(inboxTwo.items.map((i) => i.id)).not.toContain(toA);
    expect((await referrerDashboard(u.teacher))!.items.map((i) => i.id)).not.toContain(toA);
    expect((await referrerDashboard(u.healthVisitor))!.items.map((i) => i.id)).toEqual(expect.arrayContaining([toA, toB]));
  });

  it("a coordinator sees states but opens personal details and messages only with a recorded reason", async () => {
    const { toA } = await sendToBoth();
    await postMessage(asUser(u.providerOne), toA, "Case note: called the family");
    const overview = await coordinatorOverview(u.coordinator, {});
    const listed = overview.items.find((i) => i.id === toA)!;
    expect(listed.state).toBe("sent");
    expect(listed.childName).toBeNull();

    const closed = await getReferral(u.coordinator, toA);
    expect(closed?.state).toBe("sent");
    expect(closed?.personal).toBeNull();
    expect(closed?.messages).toEqual([]);
    expect(closed?.actions).toEqual([]);

    await openDetailsWithReason(u.coordinator, toA, "Complaint from the family about a delay");
    const opened = await getReferral(u.coordinator, toA);
    expect(opened?.personal?.childName).toBe("Casey Integration");
    expect(opened?.messages.map((m) => m.body)).toEqual(["Case note: called the family"]);
    const db = await getDb();
    const log = await db.select().from(s.referralAccessLog).where(eq(s.referralAccessLog.referralId, toA));
    expect(log).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: u.coordinator.id, kind: "opened_with_reason", reason: "Complaint from the family about a delay" }),
      ]),
    );
  });

  it("logs every read of personal details and every change with who", async () => {
    const { toA } = await sendToBoth();
    await getReferral(u.providerOne, toA);
    await changeState(asUser(u.providerOne), toA, "accept", 2);
    const db = await getDb();
    const log = await db
      .select({ userId: s.referralAccessLog.userId, kind: s.referralAccessLog.kind })
      .from(s.referralAccessLog)
      .where(eq(s.referralAccessLog.referralId, toA));
    expect(log).toEqual(
      expect.arrayContaining([
        { userId: u.healthVisitor.id, kind: "changed" },
        { userId: u.providerOne.id, kind: "viewed" },
        { userId: u.providerOne.id, kind: "changed" },
      ]),
    );
  });
});

describe("changing state", () => {
  it("follows a referral through its whole life, with a history row for each step", async () => {
    const { toA } = await sendToBoth();
    const p = asUser(u.providerOne);
    let v = (await changeState(p, toA, "request_info", 2, { note: "Which days?" })).version;
    v = (await changeState(asUser(u.healthVisitor), toA, "answer_info", v, { note: "Tuesdays" })).version;
    v = (await changeState(p, toA, "accept", v)).version;
    v = (await changeState(p, toA, "start_support", v)).version;
    await expect(changeState(p, toA, "close", v, { outcome: "needs_met" })).rejects.toThrow("Record the outcome for each need");
    const closed = await changeState(p, toA, "close", v, { outcome: "needs_met", needOutcomes: { nurtured: "met" } });
    expect(closed.state).toBe("closed");
    const db = await getDb();
    const [row] = await db.select().from(s.referrals).where(eq(s.referrals.id, toA));
    expect(row).toMatchObject({ closeOutcome: "needs_met", needOutcomes: { nurtured: "met" } });
    expect(row!.firstResponseAt).not.toBeNull();
    expect(row!.closedAt).not.toBeNull();
    const history = await db.select().from(s.referralHistory).where(eq(s.referralHistory.referralId, toA)).orderBy(s.referralHistory.id);
    expect(history.map((h) => `${h.fromState}>${h.toState}`)).toEqual([
      "draft>sent",
      "sent>info_requested",
      "info_requested>info_received",
      "info_received>accepted",
      "accepted>in_progress",
      "in_progress>closed",
    ]);
    // Notes are sealed at rest (issue 18).
    expect(open(history[1]!.note)).toBe("Which days?");
    expect(history[5]!.reason).toBe("Needs met");
  });

  it("records a decline reason and refuses moves the state does not allow, saying why", async () => {
    const { toB } = await sendToBoth();
    await changeState(asUser(u.providerTwo), toB, "decline", 2, { reason: "no_capacity" });
    await expect(changeState(asUser(u.providerTwo), toB, "accept", 3)).rejects.toThrow("This referral is declined, so it cannot be accepted now.");
    await expect(changeState(asUser(u.healthVisitor), toB, "withdraw", 3)).rejects.toThrow(ReferralRefused);
  });

  it("shows the referrer the service suggested when a provider declines as better met elsewhere", async () => {
    const { toA } = await sendToBoth();
    const teen = await serviceId("Teen Talk for Parents");
    await changeState(asUser(u.providerOne), toA, "decline", 2, { reason: "better_met_elsewhere", suggestedServiceId: teen });
    const seen = await getReferral(u.healthVisitor, toA);
    expect(seen).toMatchObject({ state: "declined", declineReason: "better_met_elsewhere", suggestedServiceName: "Teen Talk for Parents" });
  });

  it("refuses a change made from a page that is out of date, naming who changed it and its state now", async () => {
    const { toA } = await sendToBoth();
    await changeState(asUser(u.providerOne), toA, "accept", 2);
    const stale = changeState(asUser(u.healthVisitor), toA, "withdraw", 2);
    await expect(stale).rejects.toThrow(ReferralConflict);
    await expect(stale).rejects.toThrow(`This referral was just updated by ${u.providerOne.name}. It is now: Accepted.`);
  });

  it("forwards a referral to another organisation's service: it moves, its history stays", async () => {
    const { toA } = await sendToBoth();
    await expect(changeState(asUser(u.providerOne), toA, "forward", 2, { toServiceId: toA })).rejects.toThrow(ReferralRefused);
    const target = await serviceId("Young Carers Groups");
    await changeState(asUser(u.providerOne), toA, "forward", 2, { toServiceId: target, note: "Better fit" });
    expect(await getReferral(u.providerOne, toA)).toBeNull();
    const seen = await getReferral(u.healthVisitor, toA);
    expect(seen?.serviceName).toBe("Young Carers Groups");
    expect(seen?.state).toBe("sent");
    expect(seen?.history.map((h) => h.action)).toEqual(["submit", "forward"]);
    // The receiving organisation hears of it at its intake address, without the child's details.
    const db = await getDb();
    const [receiver] = await db
      .select({ intakeEmail: s.organisations.intakeEmail })
      .from(s.services)
      .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
      .where(eq(s.services.id, target));
    const [reference] = await db.select({ value: s.referrals.reference }).from(s.referrals).where(eq(s.referrals.id, toA));
    const mails = await db.select({ to: s.mailOutbox.to, subject: s.mailOutbox.subject, text: s.mailOutbox.text }).from(s.mailOutbox);
    const told = mails.filter((m) => m.to === receiver!.intakeEmail && m.subject === `New referral ${reference!.value} on FORT`);
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain("forwarded to your organisation");
    expect(told[0]!.text).not.toContain(validInput([]).childName);
  });
});

describe.skipIf(!process.env.DATABASE_URL)("two people acting at once (PostgreSQL)", () => {
  it("two concurrent accepts end with exactly one winner and one clear refusal", async () => {
    const { toA } = await sendToBoth();
    const db = await getDb();
    const [colleagueRow] = await db
      .insert(s.users)
      .values({ email: "second.provider@fort.example.org", name: "Second Provider", role: "provider" })
      .returning({ id: s.users.id });
    await db.insert(s.memberships).values({ userId: colleagueRow!.id, organisationId: u.providerOne.organisations[0]!.id });
    const second = {
      id: colleagueRow!.id,
      email: "second.provider@fort.example.org",
      name: "Second Provider",
      role: "provider" as const,
      teamId: null,
      organisations: u.providerOne.organisations,
    };

    const results = await Promise.allSettled([changeState(asUser(u.providerOne), toA, "accept", 2), changeState(asUser(second), toA, "accept", 2)]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ReferralConflict);
    expect(String(lost[0]!.reason.message)).toMatch(/^This referral was just updated by (Fiona Lindsay|Second Provider)\. It is now: Accepted\./);
    const history = await db.select().from(s.referralHistory).where(eq(s.referralHistory.referralId, toA));
    expect(history.filter((h) => h.action === "accept")).toHaveLength(1);
    const [row] = await db.select({ version: s.referrals.version }).from(s.referrals).where(eq(s.referrals.id, toA));
    expect(row!.version).toBe(3);
  });
});

describe("news and response times", () => {
  it("counts unread referrals per person, not counting their own changes", async () => {
    const before = await unreadCount(u.providerOne);
    const { toA } = await sendToBoth();
    expect(await unreadCount(u.providerOne)).toBe(before + 1);
    await getReferral(u.providerOne, toA);
    expect(await unreadCount(u.providerOne)).toBe(before);
    const referrerBefore = await unreadCount(u.healthVisitor);
    await changeState(asUser(u.providerOne), toA, "accept", 2);
    expect(await unreadCount(u.providerOne)).toBe(before);
    expect(await unreadCount(u.healthVisitor)).toBe(referrerBefore + 1);
    expect((await referrerDashboard(u.healthVisitor))!.changed.map((i) => i.id)).toContain(toA);
  });

  it("flags referrals with no response after the configured working days to the provider and coordinators", async () => {
    const { toA } = await sendToBoth();
    const now = Date.now();
    setClock({ now: () => new Date(now + 10 * 86_400_000) });
    const overdue = await providerInbox(u.providerOne, { overdueOnly: true });
    expect(overdue.items.map((i) => i.id)).toContain(toA);
    expect((await coordinatorOverview(u.coordinator, {})).items.find((i) => i.id === toA)?.overdue).toBe(true);
    await changeState(asUser(u.providerOne), toA, "accept", 2);
    expect((await providerInbox(u.providerOne, { overdueOnly: true })).items.map((i) => i.id)).not.toContain(toA);
    setClock(null);
    const fresh = await sendToBoth();
    expect((await providerInbox(u.providerOne, {})).items.find((i) => i.id === fresh.toA)?.overdue).toBe(false);
  });

  it("announces each committed change to live listeners, with ids only", async () => {
    const events: ReferralEvent[] = [];
    const stop = await subscribe((e) => events.push(e));
    try {
      const { toA } = await sendToBoth();
      await changeState(asUser(u.providerOne), toA, "accept", 2);
      await expect.poll(() => events.filter((e) => e.referralId === toA).length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
      expect(Object.keys(events[0]!).sort()).toEqual(["kind", "organisationId", "referralId", "referrerId", "teamId"]);
      // A refused change announces nothing.
      const count = events.length;
      await expect(changeState(asUser(u.providerOne), toA, "accept", 3)).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 200));
      expect(events.length).toBe(count);
    } finally {
      stop();
    }
    expect((await databaseHandle()).engine).toMatch(/postgres|pglite/);
  });
});

describe("self-referral by a family", () => {
  it("gives a reference and secret; only the hash is stored; the family sees state and messages meant for it", async () => {
    const { id, reference, secret } = await createSelfReferral(serviceA, {
      parentName: "Alex Family",
      contactPreference: "email",
      parentEmail: "alex@example.org",
      childAge: 5,
      familyWants: "Bedtime help",
    });
    expect(reference).toMatch(/^FR-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const db = await getDb();
    const [row] = await db.select({ secretHash: s.referrals.secretHash, state: s.referrals.state }).from(s.referrals).where(eq(s.referrals.id, id));
    expect(row!.secretHash).toBe(hashSecret(secret));
    expect(row!.secretHash).not.toContain(secret);
    expect(row!.state).toBe("sent");

    await postMessage(asUser(u.providerOne), id, "Internal: check capacity", false);
    await postMessage(asUser(u.providerOne), id, "We will call you on Monday", true);
    const tracked = await getTrackedReferral(reference, secret);
    expect(tracked?.state).toBe("sent");
    expect(tracked?.messages.map((m) => m.body)).toEqual(["We will call you on Monday"]);
    expect(await getTrackedReferral(reference, `${secret}x`)).toBeNull();
    expect(await getReferral(u.healthVisitor, id)).toBeNull();
    expect(await getReferral(u.providerTwo, id)).toBeNull();

    await changeState({ kind: "family", secret }, id, "withdraw", 2, { note: "Sorted now" });
    expect((await getTrackedReferral(reference, secret))?.state).toBe("withdrawn");
  });
});
