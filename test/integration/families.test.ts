// Issue 16: notes with an audience, "information received", and email subjects that read well.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { and, desc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { clock } from "~/clock.server";
import { getDb } from "~/db.server";
import { deliverPendingMail } from "~/mail/mail.server";
import { notifyEmail } from "~/mail/notify.server";
import { notifySmsSender, setSmsSender } from "~/mail/sms.server";
import { changeState, draftReferralElsewhere, sendReferral } from "~/referrals/commands.server";
import { postMessage, replyAsFamily } from "~/referrals/messages.server";
import { createSelfReferral, resendFamilyLink } from "~/referrals/family-requests.server";
import { getDraft } from "~/referrals/drafts.server";
import { getReferral } from "~/referrals/queries.server";
import { getTrackedReferral } from "~/referrals/tracking.server";
import { SERVICE_A, SERVICE_B, demoUsers, serviceId, validInput } from "./referrals-helpers";

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
  return createSelfReferral(serviceA, {
    parentName: "Sam Family",
    contactPreference: "email",
    parentEmail: "sam@example.org",
    childAge: 4,
    familyWants: "Toddler group",
  });
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
    await expect(changeState(asUser(u.providerOne), id, "accept", 2, { note: "x", noteAudience: "professionals" })).rejects.toThrow(
      "Choose who will see this note",
    );
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

describe("a link they cannot lose", () => {
  async function outboxFor(to: string) {
    const db = await getDb();
    return db.select().from(s.mailOutbox).where(eq(s.mailOutbox.to, to)).orderBy(s.mailOutbox.createdAt);
  }

  it("sends the private link by the chosen channel, and stores the family's contact wishes", async () => {
    const phone = "07700 900123";
    const { id, reference, secret, deliveredBy } = await createSelfReferral(serviceA, {
      parentName: "Kim Family",
      contactPreference: "phone",
      parentPhone: phone,
      childAge: 6,
      familyWants: "Help",
      linkDelivery: "sms",
      doNotLeaveVoicemail: true,
    });
    expect(deliveredBy).toBe("sms");
    const [text] = await outboxFor(phone);
    expect(text).toMatchObject({ channel: "sms" });
    expect(text!.text).toContain(`/track/${reference}?key=${encodeURIComponent(secret)}`);
    const seen = await getReferral(u.providerOne, id);
    expect(seen?.personal).toMatchObject({ doNotLeaveVoicemail: true, doNotText: false, linkDelivery: "sms" });
  });

  it("sends a new link to the contact on file from the reference alone; the old link stops working", async () => {
    const email = `lost-${Date.now()}@example.org`;
    const { reference, secret } = await createSelfReferral(serviceA, {
      parentName: "Lee",
      contactPreference: "email",
      parentEmail: email,
      childAge: 3,
      familyWants: "Help",
      linkDelivery: "email",
    });
    expect(await outboxFor(email)).toHaveLength(1);
    await resendFamilyLink(reference.toLowerCase());
    const mails = await outboxFor(email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.text).toContain("replaces the old one");
    const newSecret = decodeURIComponent(/key=([^\s]+)/.exec(mails[1]!.text)![1]!);
    expect(await getTrackedReferral(reference, secret)).toBeNull();
    expect((await getTrackedReferral(reference, newSecret))?.reference).toBe(reference);
  });

  it("writes to the family in the language of the pages they used", async () => {
    const email = `pl-${Date.now()}@example.org`;
    const { reference } = await createSelfReferral(serviceA, {
      parentName: "Ola",
      contactPreference: "email",
      parentEmail: email,
      childAge: 3,
      familyWants: "Pomoc",
      linkDelivery: "email",
      locale: "pl",
    });
    const [mail] = await outboxFor(email);
    expect(mail!.subject).toBe(`Twoja prośba ${reference}: Twój prywatny link`);
    expect(mail!.text).toContain("Zachowaj ten link dla siebie");
  });

  it("sends nothing for an unknown reference (and the page's answer is the same either way)", async () => {
    const db = await getDb();
    const count = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(s.mailOutbox))[0]!.n;
    const before = await count();
    await resendFamilyLink("FR-ZZZZ-ZZZZ");
    await resendFamilyLink("not a reference");
    expect(await count()).toBe(before);
  });
});

/** A stand-in for Notify's API on this machine: records each request (path, bearer token, JSON body) and answers. */
async function recordingNotify(answer: (path: string) => { status: number; body: unknown } = () => ({ status: 201, body: { id: "n-1" } })) {
  const received: { path: string; auth: string; body: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", auth: String(req.headers.authorization ?? ""), body: JSON.parse(raw || "{}") as Record<string, unknown> });
      const { status, body } = answer(req.url ?? "");
      res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { received, baseUrl, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const NOTIFY_SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506";
const NOTIFY_SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0";
const NOTIFY_KEY = `fort_test-${NOTIFY_SERVICE_ID}-${NOTIFY_SECRET}`;
const SMS_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a";

/** Notify's token: HS256, issued by the service id, signed with the key's secret. */
function expectNotifyToken(auth: string) {
  const [header, payload, signature] = auth.replace(/^Bearer /, "").split(".");
  expect(JSON.parse(Buffer.from(header!, "base64url").toString())).toMatchObject({ alg: "HS256" });
  expect(JSON.parse(Buffer.from(payload!, "base64url").toString())).toMatchObject({ iss: NOTIFY_SERVICE_ID });
  expect(createHmac("sha256", NOTIFY_SECRET).update(`${header}.${payload}`).digest("base64url")).toBe(signature);
}

describe("text messages through GOV.UK Notify's client", () => {
  it("posts the text to /v2/notifications/sms with a JWT signed by the key's secret", async () => {
    const notify = await recordingNotify();
    try {
      const sender = notifySmsSender({ apiKey: NOTIFY_KEY, templateId: SMS_TEMPLATE, baseUrl: notify.baseUrl });
      await sender.send({ to: "07700 900123", text: "Your link: https://fort.example/track/FR-AAAA-BBBB?key=k" });
    } finally {
      await notify.close();
    }
    expect(notify.received).toHaveLength(1);
    expect(notify.received[0]!.path).toBe("/v2/notifications/sms");
    expect(notify.received[0]!.body).toEqual({
      phone_number: "07700 900123",
      template_id: SMS_TEMPLATE,
      personalisation: { body: "Your link: https://fort.example/track/FR-AAAA-BBBB?key=k" },
    });
    expectNotifyToken(notify.received[0]!.auth);
  });

  it("delivers a family's queued text from the outbox, and keeps it for a retry while Notify refuses", async () => {
    let refuse = true;
    const notify = await recordingNotify(() =>
      refuse ? { status: 500, body: { errors: [{ error: "Exception", message: "Internal server error" }] } } : { status: 201, body: { id: "n-2" } },
    );
    setSmsSender(notifySmsSender({ apiKey: NOTIFY_KEY, templateId: SMS_TEMPLATE, baseUrl: notify.baseUrl }));
    const phone = `07700 9${String(Date.now()).slice(-5)}`;
    try {
      const { reference, secret } = await createSelfReferral(serviceA, {
        parentName: "Text Family",
        contactPreference: "text",
        parentPhone: phone,
        childAge: 5,
        familyWants: "Help",
        linkDelivery: "sms",
      });
      const db = await getDb();
      const row = async () => (await db.select().from(s.mailOutbox).where(eq(s.mailOutbox.to, phone)))[0]!;
      // Only this row is due: others queued by earlier tests are pushed into the future for the length of the test.
      await db
        .update(s.mailOutbox)
        .set({ nextAttemptAt: new Date(clock.now().getTime() + 86_400_000) })
        .where(and(eq(s.mailOutbox.status, "pending"), sql`${s.mailOutbox.to} <> ${phone}`));

      await deliverPendingMail();
      expect(await row()).toMatchObject({ status: "pending", attempts: 1 });
      expect((await row()).lastError).toBe("Notify refused the text message: 500 Exception");

      refuse = false;
      await db.update(s.mailOutbox).set({ nextAttemptAt: clock.now() }).where(eq(s.mailOutbox.to, phone));
      await deliverPendingMail();
      expect(await row()).toMatchObject({ status: "sent", attempts: 2, lastError: null });

      const delivered = notify.received.at(-1)!;
      expect(delivered.path).toBe("/v2/notifications/sms");
      expect(delivered.body).toMatchObject({ phone_number: phone, template_id: SMS_TEMPLATE });
      expect(String((delivered.body.personalisation as { body: string }).body)).toContain(`/track/${reference}?key=${encodeURIComponent(secret)}`);
      expectNotifyToken(delivered.auth);
    } finally {
      setSmsSender(null);
      await notify.close();
    }
  });

  it("reports Notify's refusal by its error name, never the number or the text", async () => {
    const notify = await recordingNotify(() => ({
      status: 400,
      body: { errors: [{ error: "ValidationError", message: "phone_number 07700 900123 invalid" }] },
    }));
    try {
      const sender = notifySmsSender({ apiKey: NOTIFY_KEY, templateId: SMS_TEMPLATE, baseUrl: notify.baseUrl });
      const failure = sender.send({ to: "07700 900123", text: "secret text" });
      await expect(failure).rejects.toThrow("Notify refused the text message: 400 ValidationError");
      await expect(failure).rejects.not.toThrow(/07700|secret/);
    } finally {
      await notify.close();
    }
  });

  it("sends an email through a Notify email template with its subject and body", async () => {
    const notify = await recordingNotify();
    const template = "0b3d2a33-7a0e-4d8e-9d7c-1c1b7f0b9e11";
    try {
      await notifyEmail({ apiKey: NOTIFY_KEY, templateId: template, baseUrl: notify.baseUrl })({ to: "sam@example.org", subject: "Hello", text: "Body" });
    } finally {
      await notify.close();
    }
    expect(notify.received[0]!.path).toBe("/v2/notifications/email");
    expect(notify.received[0]!.body).toEqual({ email_address: "sam@example.org", template_id: template, personalisation: { subject: "Hello", body: "Body" } });
    expectNotifyToken(notify.received[0]!.auth);
  });
});

describe("refer elsewhere", () => {
  it("copies a declined referral into a new draft without consent confirmed, and sends it into the same group", async () => {
    const serviceB = await serviceId(SERVICE_B);
    const { ids } = await sendReferral(u.healthVisitor, validInput([serviceB]));
    const declined = ids[0]!;
    await changeState(asUser(u.providerTwo), declined, "decline", 2, { reason: "better_met_elsewhere", suggestedServiceId: serviceA });
    // Only the referrer, only once it is finished.
    await expect(draftReferralElsewhere(u.teacher, declined)).rejects.toThrow();
    const draftId = await draftReferralElsewhere(u.healthVisitor, declined);
    const draft = await getDraft(u.healthVisitor, draftId);
    expect(draft?.values).toMatchObject({ followsReferralId: declined, serviceIds: [serviceA], childName: "Casey Integration", need_nurtured: "on" });
    expect(draft?.values.consentConfirmed).toBeUndefined();
    expect(draft?.values.consentDate).toBeUndefined();

    const { ids: newIds } = await sendReferral(u.healthVisitor, validInput([serviceA], { followsReferralId: declined, draftId }));
    const db = await getDb();
    const rows = await db
      .select({ id: s.referrals.id, groupId: s.referrals.groupId })
      .from(s.referrals)
      .where(sql`${s.referrals.id} in ${[declined, newIds[0]!]}`);
    expect(new Set(rows.map((r) => r.groupId)).size).toBe(1);
    expect((await getReferral(u.healthVisitor, newIds[0]!))?.group.map((g) => g.id)).toEqual([declined]);
    expect(await getDraft(u.healthVisitor, draftId)).toBeNull();
  });

  it("refuses to follow an open referral or someone else's", async () => {
    const { ids } = await sendReferral(u.healthVisitor, validInput([serviceA]));
    await expect(draftReferralElsewhere(u.healthVisitor, ids[0]!)).rejects.toThrow("Only a declined, closed or withdrawn referral");
    await expect(sendReferral(u.teacher, validInput([serviceA], { followsReferralId: ids[0]! }))).rejects.toThrow();
  });
});
