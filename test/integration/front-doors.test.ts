// The domain enforces its own rules whoever calls it: each function is called here directly, without a route,
// with the wrong actor or a service that cannot take a referral, and must refuse without changing anything.
import { open } from "~/privacy/crypto.server";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { eventConcerns, referralScope, partyOf } from "~/auth/policy.server";
import { getDb } from "~/db.server";
import { decideImportedService, decideRevision, revisionForReview } from "~/directory/service-editing.server";
import { Conflict, Forbidden, NotFound, Refused } from "~/domain/errors";
import { refusalOf } from "~/domain/refusal.server";
import {
  approveOrganisation,
  createOrganisation,
  listOrganisations,
  organisationMembers,
  registerOrganisation,
  removeMember,
} from "~/organisations/organisations.server";
import { saveLocation } from "~/organisations/locations.server";
import { openDetailsWithReason } from "~/referrals/access.server";
import { changeState, sendReferral } from "~/referrals/commands.server";
import { postMessage, replyAsFamily } from "~/referrals/messages.server";
import { createSelfReferral } from "~/referrals/family-requests.server";
import { ReferralConflict, ReferralNotFound } from "~/referrals/errors";
import { changeRole, listUsers, setUserActive } from "~/users/users.server";
import { SERVICE_A, SERVICE_B, demoUsers, serviceId, validInput } from "./referrals-helpers";

type Users = Awaited<ReturnType<typeof demoUsers>>;
let u: Users;
let serviceA: string;
let serviceB: string;
const IP = "9.9.9.9";
const asUser = (user: Users[keyof Users]) => ({ kind: "user" as const, user });

beforeAll(async () => {
  u = await demoUsers();
  serviceA = await serviceId(SERVICE_A);
  serviceB = await serviceId(SERVICE_B);
});

async function count(table: typeof s.referrals | typeof s.organisations | typeof s.referralMessages) {
  const db = await getDb();
  return (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
}

describe("people and organisations refuse the wrong actor", () => {
  it("only a coordinator deactivates, reactivates or changes the role of someone, and lists people", async () => {
    for (const actor of [u.providerOne, u.healthVisitor]) {
      await expect(setUserActive(actor, u.teacher.id, false, IP)).rejects.toBeInstanceOf(Forbidden);
      await expect(changeRole(actor, u.teacher.id, "coordinator", IP)).rejects.toBeInstanceOf(Forbidden);
      await expect(listUsers(actor)).rejects.toBeInstanceOf(Forbidden);
    }
    const db = await getDb();
    const [teacher] = await db.select({ active: s.users.active, role: s.users.role }).from(s.users).where(eq(s.users.id, u.teacher.id));
    expect(teacher).toEqual({ active: true, role: "referrer" });
  });

  it("only a coordinator creates, lists or approves organisations", async () => {
    const before = await count(s.organisations);
    await expect(createOrganisation(u.providerOne, { name: "Sneaky Org", description: "x", email: "a@example.org" }, IP)).rejects.toBeInstanceOf(Forbidden);
    await expect(listOrganisations(u.healthVisitor)).rejects.toBeInstanceOf(Forbidden);
    expect(await count(s.organisations)).toBe(before);
    const { id } = await registerOrganisation({ name: "Waiting Org", description: "x", email: "w@example.org", contactName: "W" }, IP);
    await expect(approveOrganisation(u.providerOne, id, "W", IP)).rejects.toBeInstanceOf(Forbidden);
    expect(await approveOrganisation(u.coordinator, id, "W", IP)).toMatchObject({ ok: true });
    // Approving twice is a conflict, and a taken name is refused beside the name field.
    await expect(approveOrganisation(u.coordinator, id, "W", IP)).rejects.toBeInstanceOf(Conflict);
    const taken = await createOrganisation(u.coordinator, { name: "waiting org", description: "x", email: "b@example.org" }, IP).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(Refused);
    expect(refusalOf(taken)).toMatchObject({ status: 400, fieldErrors: { name: [expect.stringContaining("already")] } });
  });

  it("staff are managed only by their organisation's admins and coordinators", async () => {
    const own = u.providerOne.organisations[0]!.id;
    const other = u.providerTwo.organisations[0]!.id;
    await expect(organisationMembers(u.providerOne, other)).rejects.toBeInstanceOf(NotFound);
    await expect(removeMember(u.providerOne, other, u.providerTwo.id, IP)).rejects.toBeInstanceOf(Forbidden);
    await expect(removeMember(u.healthVisitor, own, u.providerOne.id, IP)).rejects.toBeInstanceOf(Forbidden);
    expect((await organisationMembers(u.coordinator, other)).map((m) => m.id)).toContain(u.providerTwo.id);
  });

  it("a provider in two organisations names which one a new location belongs to, and only theirs", async () => {
    const form = { name: "Second Base", address1: "1 High Street", city: "Dundee", postcode: "DD1 1AA", accessibility: [] };
    const both = { ...u.providerOne, organisations: [...u.providerOne.organisations, ...u.providerTwo.organisations.map((o) => ({ ...o, isAdmin: false }))] };
    const second = u.providerTwo.organisations[0]!.id;
    const { id } = await saveLocation(both, { organisationId: second }, form, IP);
    const db = await getDb();
    expect((await db.select({ org: s.locations.organisationId }).from(s.locations).where(eq(s.locations.id, id)))[0]!.org).toBe(second);
    await expect(saveLocation(u.providerOne, { organisationId: second }, form, IP)).rejects.toBeInstanceOf(NotFound);
  });

  it("only a coordinator reviews and decides service changes and imported services", async () => {
    const db = await getDb();
    const [revision] = await db
      .insert(s.serviceRevisions)
      .values({ serviceId: serviceA, proposed: {}, submittedBy: u.providerOne.id })
      .returning({ id: s.serviceRevisions.id });
    for (const actor of [u.providerOne, u.healthVisitor]) {
      await expect(revisionForReview(actor, revision!.id)).rejects.toBeInstanceOf(Forbidden);
      await expect(decideRevision(actor, revision!.id, "reject", "no", IP)).rejects.toBeInstanceOf(Forbidden);
      await expect(decideImportedService(actor, serviceA, "reject", IP)).rejects.toBeInstanceOf(Forbidden);
    }
    const [still] = await db.select({ status: s.serviceRevisions.status }).from(s.serviceRevisions).where(eq(s.serviceRevisions.id, revision!.id));
    expect(still!.status).toBe("pending");
  });
});

describe("referral commands refuse the wrong actor", () => {
  it("sending is for referrers; changing, writing and opening with a reason only for those on the referral", async () => {
    await expect(sendReferral(u.providerOne, validInput([serviceA]), IP)).rejects.toBeInstanceOf(Forbidden);
    const { ids } = await sendReferral(u.healthVisitor, validInput([serviceA]), IP);
    const id = ids[0]!;
    const messages = await count(s.referralMessages);
    await expect(changeState(asUser(u.providerTwo), id, "accept", 2)).rejects.toBeInstanceOf(ReferralNotFound);
    await expect(changeState(asUser(u.teacher), id, "withdraw", 2)).rejects.toBeInstanceOf(ReferralNotFound);
    await expect(postMessage(asUser(u.providerTwo), id, "hello")).rejects.toBeInstanceOf(ReferralNotFound);
    await expect(openDetailsWithReason(u.providerOne, id, "curious")).rejects.toBeInstanceOf(ReferralNotFound);
    await expect(replyAsFamily({ kind: "family", secret: "not-the-secret" }, id, "hi", 2)).rejects.toBeInstanceOf(ReferralNotFound);
    expect(await count(s.referralMessages)).toBe(messages);
  });

  it("the policy's SQL scope, row check and live-event filter agree for every demo user on every referral", async () => {
    await sendReferral(u.teacher, validInput([serviceB]), IP);
    const db = await getDb();
    const rows = await db
      .select({
        id: s.referrals.id,
        organisationId: s.referrals.organisationId,
        referrerId: s.referrals.referrerId,
        teamId: s.referrals.teamId,
        state: s.referrals.state,
        isSelfReferral: s.referrals.isSelfReferral,
        secretHash: s.referrals.secretHash,
      })
      .from(s.referrals);
    expect(rows.length).toBeGreaterThan(1);
    for (const user of Object.values(u)) {
      const visible = new Set((await db.select({ id: s.referrals.id }).from(s.referrals).where(referralScope(user))).map((r) => r.id));
      for (const row of rows) {
        expect(partyOf({ kind: "user", user }, row) !== "none", `${user.email} on ${row.id}`).toBe(visible.has(row.id));
        if (row.state !== "draft") expect(eventConcerns(user, row)).toBe(visible.has(row.id));
      }
    }
  });
});

describe("sendReferral enforces the service's rules without the route", () => {
  const cases = [
    ["unpublished", { publication: "draft" as const }],
    ["inactive", { status: "inactive" as const }],
    ["temporarily closed", { status: "temporarily_closed" as const }],
    ["not accepting", { capacity: "not_accepting" as const }],
    ["not taking professionals' referrals", { acceptsProfessionalReferrals: false }],
  ] as const;
  for (const [what, change] of cases) {
    it(`refuses a service that is ${what}, and sends nothing`, async () => {
      const db = await getDb();
      const [before] = await db.select().from(s.services).where(eq(s.services.id, serviceA));
      await db.update(s.services).set(change).where(eq(s.services.id, serviceA));
      try {
        const referrals = await count(s.referrals);
        const error = await sendReferral(u.healthVisitor, validInput([serviceB, serviceA]), IP).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Refused);
        expect(refusalOf(error)).toMatchObject({ status: 400, fieldErrors: { serviceIds: [expect.stringContaining(SERVICE_A)] } });
        expect(await count(s.referrals)).toBe(referrals);
      } finally {
        await db
          .update(s.services)
          .set({
            publication: before!.publication,
            status: before!.status,
            capacity: before!.capacity,
            acceptsProfessionalReferrals: before!.acceptsProfessionalReferrals,
          })
          .where(eq(s.services.id, serviceA));
      }
    });
  }

  it("refuses a family's request to a service that is not accepting", async () => {
    const db = await getDb();
    await db.update(s.services).set({ acceptsSelfReferrals: true, capacity: "not_accepting" }).where(eq(s.services.id, serviceB));
    const input = { parentName: "Alex", contactPreference: "phone" as const, parentPhone: "01632 960001", childAge: 4, familyWants: "Help" };
    await expect(createSelfReferral(serviceB, input)).rejects.toMatchObject({ status: 400, message: expect.stringContaining("not accepting") });
    await db.update(s.services).set({ capacity: "accepting" }).where(eq(s.services.id, serviceB));
    expect(await createSelfReferral(serviceB, input)).toMatchObject({ reference: expect.stringMatching(/^FR-/) });
  });
});

describe("a family's reply", () => {
  async function askedFamily() {
    const db = await getDb();
    await db.update(s.services).set({ acceptsSelfReferrals: true, capacity: "accepting" }).where(eq(s.services.id, serviceA));
    const family = await createSelfReferral(serviceA, {
      parentName: "Jo",
      contactPreference: "phone",
      parentPhone: "01632 960003",
      childAge: 5,
      familyWants: "Help",
    });
    await changeState(asUser(u.providerOne), family.id, "request_info", 2, { note: "When are you free?" });
    return { ...family, actor: { kind: "family" as const, secret: family.secret } };
  }

  it("posts the message and answers the question in one step", async () => {
    const { id, actor } = await askedFamily();
    await replyAsFamily(actor, id, "Mornings are best", 3);
    const db = await getDb();
    const [row] = await db.select({ state: s.referrals.state, version: s.referrals.version }).from(s.referrals).where(eq(s.referrals.id, id));
    expect(row).toEqual({ state: "info_received", version: 4 });
    expect((await db.select().from(s.referralMessages).where(eq(s.referralMessages.referralId, id))).map((m) => open(m.body))).toEqual(["Mornings are best"]);
  });

  it("racing a provider's action, one of them wins and the other gets a clear conflict, never half a reply", async () => {
    const { id, actor } = await askedFamily();
    const results = await Promise.allSettled([
      replyAsFamily(actor, id, "Afternoons please", 3),
      changeState(asUser(u.providerOne), id, "decline", 3, { reason: "no_capacity" }),
    ]);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toBeInstanceOf(ReferralConflict);
    expect(refusalOf(failed[0]!.reason)).toMatchObject({ status: 409, message: expect.stringMatching(/^This referral was just updated by/) });
    const db = await getDb();
    const [row] = await db.select({ state: s.referrals.state }).from(s.referrals).where(eq(s.referrals.id, id));
    const messages = await db.select().from(s.referralMessages).where(eq(s.referralMessages.referralId, id));
    // The family's message exists exactly when its answer went through.
    expect(messages.length === 1).toBe(row!.state === "info_received");
  });
});
