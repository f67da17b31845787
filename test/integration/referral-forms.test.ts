import { sql } from "drizzle-orm";
import { openDraftValues } from "~/privacy/sealed-fields.server";
import { beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { startSession } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { action as newReferralAction } from "~/routes/referrals.new";
import { action as selfReferralAction } from "~/routes/services.$id_.self-referral";
import { action as referralAction, loader as referralLoader } from "~/routes/referrals.$id";
import { sendReferral } from "~/referrals/commands.server";
import { SERVICE_A, demoUsers, serviceId, validInput } from "./referrals-helpers";

const ORIGIN = "http://localhost:3000";
type Users = Awaited<ReturnType<typeof demoUsers>>;
let u: Users;
let serviceA: string;
let cookies: Record<string, string>;

beforeAll(async () => {
  u = await demoUsers();
  serviceA = await serviceId(SERVICE_A);
  cookies = {
    healthVisitor: (await startSession(u.healthVisitor.id)).split(";")[0]!,
    providerTwo: (await startSession(u.providerTwo.id)).split(";")[0]!,
    teacher: (await startSession(u.teacher.id)).split(";")[0]!,
  };
});

function post(path: string, fields: [string, string][], cookie?: string, extra: Record<string, string> = {}) {
  const body = new FormData();
  for (const [k, v] of fields) body.append(k, v);
  return new Request(`${ORIGIN}${path}`, { method: "POST", body, headers: { Origin: ORIGIN, ...(cookie ? { Cookie: cookie } : {}), ...extra } });
}

/** What an action returned or threw, as status and body. */
async function run(fn: () => Promise<unknown>): Promise<{ status: number; body: any }> {
  try {
    const out = (await fn()) as any;
    if (out && out.type === "DataWithResponseInit") return { status: out.init?.status ?? 200, body: out.data };
    return { status: 200, body: out };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, body: thrown.headers.get("Location") ?? (await thrown.text()) };
    throw thrown;
  }
}

const call = (action: (args: any) => Promise<unknown>, request: Request, params: Record<string, string> = {}) =>
  run(() => action({ request, params, context: {} }));

const typedFields = (): [string, string][] => [
  ["serviceIds", serviceA],
  ["childName", "Morgan Typed"],
  ["childDateOfBirth", "2019-13-45"],
  ["childPostcode", "NOT A PC"],
  ["childSchool", "Baxter Park Primary"],
  ["parentName", "Lee Typed"],
  ["parentRelationship", "Aunt"],
  ["parentEmail", "not-an-email"],
  ["contactPreference", "email"],
  ["need_safe", "on"],
  ["need_safe_detail", ""],
  ["familyWants", "Something to help"],
  ["urgency", "soon"],
  ["consentGivenBy", "Lee Typed"],
  ["consentDate", "2999-01-01"],
  ["consentMethod", "carrier pigeon"],
  ["intent", "send"],
];

describe("the referral form", () => {
  it("returns bad input with 400, each error on its field, and everything typed kept", async () => {
    const typed = typedFields();
    const { status, body } = await call(newReferralAction, post("/referrals/new", typed, cookies.healthVisitor));
    expect(status).toBe(400);
    const errors = body.result.error as Record<string, string[]>;
    expect(errors.childDateOfBirth?.[0]).toMatch(/real date/);
    expect(errors.childPostcode?.[0]).toMatch(/real postcode/);
    expect(errors.parentEmail?.[0]).toMatch(/email address/);
    expect(errors.need_safe_detail?.[0]).toBe("Describe the need under Safe");
    expect(errors.consentDate?.[0]).toMatch(/future/);
    expect(errors.consentMethod?.[0]).toBe("Say how consent was given");
    expect(errors.consentConfirmed?.[0]).toMatch(/Confirm that the family agreed/);
    expect(errors.childName).toBeUndefined();
    const kept = body.result.initialValue as Record<string, unknown>;
    for (const [name, value] of typed.filter(([n, v]) => n !== "serviceIds" && n !== "intent" && v !== "")) expect(kept[name]).toBe(value);
    expect(kept.serviceIds).toBe(serviceA);
  });

  it("says why a service does not fit and suggests others, without sending anything", async () => {
    const db = await getDb();
    const count = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(s.referrals))[0]!.n;
    const before = await count();
    const teen = await serviceId("Teen Talk for Parents");
    const input = validInput([teen]);
    const fields: [string, string][] = Object.entries(input).flatMap(([k, v]) =>
      Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v === true ? "on" : String(v)] as [string, string]],
    );
    const { status, body } = await call(newReferralAction, post("/referrals/new", [...fields, ["intent", "send"]], cookies.healthVisitor));
    expect(status).toBe(400);
    expect(body.result.error.serviceIds[0]).toMatch(/Teen Talk for Parents does not fit this child/);
    expect(body.fits[0].problems.join(" ")).toMatch(/The child is 6 today; this service is for ages 11 to 18 years/);
    expect(body.suggestions.length).toBeGreaterThan(0);
    expect(await count()).toBe(before);
  });

  it("checks the chosen services against what is typed so far, on request, without sending", async () => {
    const teen = await serviceId("Teen Talk for Parents");
    const dob = `${new Date().getUTCFullYear() - 6}-02-01`;
    const { status, body } = await call(
      newReferralAction,
      post(
        "/referrals/new",
        [
          ["serviceIds", teen],
          ["serviceIds", serviceA],
          ["childDateOfBirth", dob],
          ["childPostcode", "DD1 1AA"],
          ["childName", "Kept Name"],
          ["intent", "check"],
        ],
        cookies.healthVisitor,
      ),
    );
    expect(status).toBe(200);
    expect(body.fits.find((f: any) => f.serviceId === teen).problems[0]).toMatch(/this service is for ages 11 to 18/);
    expect(body.fits.find((f: any) => f.serviceId === serviceA).problems).toEqual([]);
    expect(body.result.initialValue.childName).toBe("Kept Name");
  });

  it("saves a draft as typed, even when it is not valid yet", async () => {
    const { status, body } = await call(
      newReferralAction,
      post(
        "/referrals/new",
        [
          ["childName", "Half Done"],
          ["childPostcode", "DD"],
          ["intent", "autosave"],
        ],
        cookies.healthVisitor,
      ),
    );
    expect(status).toBe(200);
    const db = await getDb();
    const [draft] = await db
      .select()
      .from(s.referralDrafts)
      .where(sql`${s.referralDrafts.id} = ${body.autosaved.draftId}`);
    expect(openDraftValues(draft!.values)).toMatchObject({ childName: "Half Done", childPostcode: "DD" });
  });

  it("does not bring a sent referral back as a draft when a late autosave arrives", async () => {
    const saved = await call(
      newReferralAction,
      post(
        "/referrals/new",
        [
          ["childName", "Sent Soon"],
          ["intent", "autosave"],
        ],
        cookies.healthVisitor,
      ),
    );
    const draftId = saved.body.autosaved.draftId as string;
    await sendReferral(u.healthVisitor, validInput([serviceA], { draftId }));
    const late = await call(
      newReferralAction,
      post(
        "/referrals/new",
        [
          ["childName", "Sent Soon"],
          ["draftId", draftId],
          ["intent", "autosave"],
        ],
        cookies.healthVisitor,
      ),
    );
    expect(late.body.autosaved).toBeNull();
    const db = await getDb();
    const drafts = await db
      .select()
      .from(s.referralDrafts)
      .where(sql`${s.referralDrafts.values}->>'childName' = 'Sent Soon'`);
    expect(drafts).toEqual([]);
  });

  it("is refused from another site, and to anyone but a referrer", async () => {
    const typed = typedFields();
    const fromElsewhere = post("/referrals/new", typed, cookies.healthVisitor, { Origin: "https://evil.example" });
    expect((await call(newReferralAction, fromElsewhere)).status).toBe(403);
    expect((await call(newReferralAction, post("/referrals/new", typed, cookies.providerTwo))).status).toBe(403);
    const anonymous = await call(newReferralAction, post("/referrals/new", typed));
    expect(anonymous.status).toBe(302);
    expect(anonymous.body).toMatch(/^\/sign-in/);
  });
});

describe("the referral page", () => {
  it("answers 404 to another organisation's provider and another team's referrer, for reading and for acting", async () => {
    const { ids } = await sendReferral(u.healthVisitor, validInput([serviceA]));
    const id = ids[0]!;
    for (const cookie of [cookies.providerTwo, cookies.teacher]) {
      const read = await run(() =>
        referralLoader({ request: new Request(`${ORIGIN}/referrals/${id}`, { headers: { Cookie: cookie! } }), params: { id }, context: {} }),
      );
      expect(read.status).toBe(404);
      const act = await call(
        referralAction,
        post(
          `/referrals/${id}`,
          [
            ["intent", "accept"],
            ["version", "2"],
          ],
          cookie,
        ),
        { id },
      );
      expect(act.status).toBe(404);
    }
    const anonymous = await run(() => referralLoader({ request: new Request(`${ORIGIN}/referrals/${id}`), params: { id }, context: {} }));
    expect(anonymous.status).toBe(302);
  });

  it("returns a bad decline with its errors beside the fields", async () => {
    const { ids } = await sendReferral(u.healthVisitor, validInput([serviceA]));
    const providerOne = (await startSession(u.providerOne.id)).split(";")[0]!;
    const { status, body } = await call(
      referralAction,
      post(
        `/referrals/${ids[0]}`,
        [
          ["intent", "decline"],
          ["version", "2"],
          ["reason", "other"],
        ],
        providerOne,
      ),
      { id: ids[0]! },
    );
    expect(status).toBe(400);
    expect(body.result.error.reasonOther[0]).toBe("Say why you are declining");
    expect(body.result.initialValue.reason).toBe("other");

    const elsewhere = await call(
      referralAction,
      post(
        `/referrals/${ids[0]}`,
        [
          ["intent", "decline"],
          ["version", "2"],
          ["reason", "better_met_elsewhere"],
        ],
        providerOne,
      ),
      { id: ids[0]! },
    );
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.result.error.suggestedServiceId[0]).toBe("Suggest the service that would meet the need better");
  });
});

describe("self-referral", () => {
  const good: [string, string][] = [
    ["parentName", "Robin Parent"],
    ["linkDelivery", "none"],
    ["contactPreference", "phone"],
    ["parentPhone", "01632 960003"],
    ["childAge", "4"],
    ["familyWants", "Help with sleep"],
    ["consent", "on"],
  ];

  it("returns bad input with errors beside the fields and what was typed", async () => {
    const { status, body } = await call(
      selfReferralAction,
      post(
        `/services/${serviceA}/self-referral`,
        [
          ["parentName", "Robin Parent"],
          ["contactPreference", "email"],
          ["childAge", "four"],
          ["familyWants", "Help"],
        ],
        undefined,
        { "X-Forwarded-For": "203.0.113.1" },
      ),
      { id: serviceA },
    );
    expect(status).toBe(400);
    expect(body.error.childAge[0]).toMatch(/as a number/);
    expect(body.error.parentEmail[0]).toBe("Enter your email address");
    expect(body.error.consent[0]).toMatch(/Tick the box/);
    expect(body.initialValue).toMatchObject({ parentName: "Robin Parent", childAge: "four", familyWants: "Help" });
  });

  it("keeps nothing when the honeypot is filled in, but looks like success", async () => {
    const db = await getDb();
    const count = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(s.referrals))[0]!.n;
    const before = await count();
    const { status, body } = await call(
      selfReferralAction,
      post(`/services/${serviceA}/self-referral`, [...good, ["website", "http://spam.example"]], undefined, { "X-Forwarded-For": "203.0.113.2" }),
      { id: serviceA },
    );
    expect(status).toBe(302);
    expect(body).toMatch(/self-referral\/sent$/);
    expect(await count()).toBe(before);
  });

  it("sends a request to the tracking page, and slows down a flood from one address", async () => {
    const ip = { "X-Forwarded-For": "203.0.113.3" };
    const first = await call(selfReferralAction, post(`/services/${serviceA}/self-referral`, good, undefined, ip), { id: serviceA });
    expect(first.status).toBe(302);
    expect(first.body).toMatch(/^\/track\/FR-[0-9A-Z]{4}-[0-9A-Z]{4}\?key=[\w-]+&new=1$/);
    let last = first;
    for (let i = 0; i < 6 && last.status !== 429; i++)
      last = await call(selfReferralAction, post(`/services/${serviceA}/self-referral`, good, undefined, ip), { id: serviceA });
    expect(last.status).toBe(429);
    expect(last.body.error[""][0]).toMatch(/Too many attempts/);
  });

  it("is not offered for a service that does not take self-referrals", async () => {
    const db = await getDb();
    const [closed] = await db
      .select({ id: s.services.id })
      .from(s.services)
      .where(sql`${s.services.acceptsSelfReferrals} = false`)
      .limit(1);
    const { status } = await call(selfReferralAction, post(`/services/${closed!.id}/self-referral`, good, undefined, { "X-Forwarded-For": "203.0.113.4" }), {
      id: closed!.id,
    });
    expect(status).toBe(404);
  });
});
