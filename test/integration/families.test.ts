// Issue 16: notes with an audience, "information received", and email subjects that read well.
import { and, desc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { changeState, createSelfReferral, postMessage, replyAsFamily, sendReferral } from "~/referrals/commands.server";
import { getReferral, getTrackedReferral } from "~/referrals/queries.server";
import { SERVICE_A, demoUsers, serviceId, validInput } from "./referrals-helpers";

type Users = Awaited<ReturnType<typeof demoUsers>>;
let u: Users;
let serviceA: string;
const asUser = (user: Users[keyof Users]) => ({ kind: "user" as const, user });

beforeAll(async () => {
  u = await demoUsers();
  serviceA = await serviceId(SERVICE_A);
  const db = await getDb();
  await db.update(s.services).set({ acceptsSelfReferrals: true, capacity: "accepting" }).where(eq(s.services.id, serviceA));
});

async function familyRequest() {
  return createSelfReferral(serviceA, { parentName: "Sam Family", contactPreference: "email", parentEmail: "sam@example.org", childAge: 4, familyWants: "Toddler group" });
}

describe("notes with an audience", () => {
  it("shows the family the acceptance note meant for them, and never the team's own notes", async () => {
    const { id, reference, secret } = await familyRequest();
    await postMessage(asUser(u.providerOne), id, "Team: check the Monday group has space", "internal");
    await postMessage(asUser(u.providerOne), id, "Thanks, we have your request", "family");
    await changeState(asUser(u.providerOne), id, "accept", 2, { note: "Come along Monday 9:30, ask for Shona", noteAudience: "family" });
    const tracked = await getTrackedReferral(reference, secret);
    expect(tracked?.state).toBe("accepted");
    expect(tracked?.messages.map((m) => m.body)).toEqual(["Thanks, we have your request"]);
    expect(tracked?.history.find((h) => h.action === "accept")?.note).toBe("Come along Monday 9:30, ask for Shona");
    // The provider's own view still has everything, each with its audience.
    const seen = await getReferral(u.providerOne, id);
    expect(seen?.messages.map((m) => [m.body, m.audience])).toEqual([
      ["Team: check the Monday group has space", "internal"],
      ["Thanks, we have your request", "family"],
    ]);
  });

  it("keeps a note for the team out of the family's page", async () => {
    const { id, reference, secret } = await familyRequest();
    await changeState(asUser(u.providerOne), id, "accept", 2, { note: "Shona to phone", noteAudience: "internal" });
    const tracked = await getTrackedReferral(reference, secret);
    expect(tracked?.history.find((h) => h.action === "accept")?.note).toBeNull();
  });

  it("refuses a note for an audience not offered to the writer", async () => {
    const { id } = await familyRequest();
    // A self-referral has no referrer to write to.
    await expect(changeState(asUser(u.providerOne), id, "accept", 2, { note: "x", noteAudience: "professionals" })).rejects.toThrow("Choose who will see this note");
  });

  it("hides a provider's internal message from the referrer, and the referrer's from the provider", async () => {
    const { ids } = await sendReferral(u.healthVisitor, validInput([serviceA]));
    const id = ids[0]!;
    await postMessage(asUser(u.providerOne), id, "Internal: waiting list check", "internal");
    await postMessage(asUser(u.providerOne), id, "We will be in touch", "professionals");
    await postMessage(asUser(u.healthVisitor), id, "Note to self: chase Friday", "internal");
    await changeState(asUser(u.providerOne), id, "accept", 2, { note: "Staff only: allocate Shona", noteAudience: "internal" });
    const referrerView = await getReferral(u.healthVisitor, id);
    expect(referrerView?.messages.map((m) => m.body)).toEqual(["We will be in touch", "Note to self: chase Friday"]);
    expect(referrerView?.history.find((h) => h.action === "accept")?.note).toBeNull();
    const providerView = await getReferral(u.providerOne, id);
    expect(providerView?.messages.map((m) => m.body)).toEqual(["Internal: waiting list check", "We will be in touch"]);
    expect(providerView?.history.find((h) => h.action === "accept")?.note).toBe("Staff only: allocate Shona");
  });
});

describe("after an answer", () => {
  it("shows 'information received' once the family answers, and the provider can then accept", async () => {
    const { id, reference, secret } = await familyRequest();
    await changeState(asUser(u.providerOne), id, "request_info", 2, { note: "Which mornings suit you?" });
    // The question reaches the family.
    expect((await getTrackedReferral(reference, secret))?.history.find((h) => h.action === "request_info")?.note).toBe("Which mornings suit you?");
    await replyAsFamily({ kind: "family", secret }, id, "Tuesdays", 3);
    const seen = await getReferral(u.providerOne, id);
    expect(seen?.state).toBe("info_received");
    expect(seen?.actions).toEqual(["accept", "decline", "request_info", "forward"]);
    expect((await changeState(asUser(u.providerOne), id, "accept", 4)).state).toBe("accepted");
  });
});

describe("email subjects", () => {
  it("read 'Referral FR-…: declined — <listed reason>'", async () => {
    const { ids } = await sendReferral(u.healthVisitor, validInput([serviceA]));
    await changeState(asUser(u.providerOne), ids[0]!, "decline", 2, { reason: "no_capacity" });
    const db = await getDb();
    const [ref] = await db.select({ reference: s.referrals.reference }).from(s.referrals).where(eq(s.referrals.id, ids[0]!));
    const [mail] = await db
      .select({ subject: s.mailOutbox.subject })
      .from(s.mailOutbox)
      .where(and(eq(s.mailOutbox.to, u.healthVisitor.email), sql`${s.mailOutbox.subject} like ${`%${ref!.reference}%`}`))
      .orderBy(desc(s.mailOutbox.createdAt));
    expect(mail?.subject).toBe(`Referral ${ref!.reference}: declined — no capacity / waiting list full`);
  });
});
