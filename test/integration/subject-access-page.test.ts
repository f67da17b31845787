// Issue 18: the coordinator's subject-access page, through its loader and action as a browser would call them.
import { desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { startSession } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { sendReferral } from "~/referrals/commands.server";
import { action, loader } from "~/routes/coordinator.subject-access";
import { loader as download } from "~/routes/coordinator.subject-access.download";
import { SERVICE_A, SERVICE_B, demoUsers, serviceId, validInput } from "./referrals-helpers";

const ORIGIN = "http://localhost";
const CHILD = "Rowan Pagefinder";
const DOB = "2019-11-11";
let cookies: { coordinator: string; referrer: string };
let ids: string[];

async function run(fn: () => Promise<unknown>): Promise<{ status: number; body: any }> {
  try {
    const out = (await fn()) as any;
    if (out instanceof Response) return { status: out.status, body: await out.text() };
    if (out && out.type === "DataWithResponseInit") return { status: out.init?.status ?? 200, body: out.data };
    return { status: 200, body: out };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, body: thrown.headers.get("Location") ?? (await thrown.text()) };
    throw thrown;
  }
}
const get = (fn: any, path: string, cookie: string) =>
  run(() => fn({ request: new Request(`${ORIGIN}${path}`, { headers: { Cookie: cookie } }), params: {}, context: {} }));
const post = (fields: [string, string][], cookie: string) => {
  const body = new FormData();
  for (const [k, v] of fields) body.append(k, v);
  return run(() =>
    action({
      request: new Request(`${ORIGIN}/coordinator/subject-access`, { method: "POST", body, headers: { Origin: ORIGIN, Cookie: cookie } }),
      params: {},
      context: {},
    }),
  );
};

beforeAll(async () => {
  const u = await demoUsers();
  cookies = { coordinator: (await startSession(u.coordinator.id)).split(";")[0]!, referrer: (await startSession(u.healthVisitor.id)).split(";")[0]! };
  const a = await sendReferral(u.healthVisitor, validInput([await serviceId(SERVICE_A)], { childName: CHILD, childDateOfBirth: DOB }));
  const b = await sendReferral(u.teacher, validInput([await serviceId(SERVICE_B)], { childName: CHILD, childDateOfBirth: DOB }));
  ids = [...a.ids, ...b.ids];
});

const search = `childName=${encodeURIComponent(CHILD)}&dateOfBirth=${DOB}`;

describe("subject access page", () => {
  it("is refused to anyone but a coordinator", async () => {
    expect((await get(loader, `/coordinator/subject-access?${search}`, cookies.referrer)).status).toBe(403);
    expect((await get(download, `/coordinator/subject-access/download?${search}&format=json`, cookies.referrer)).status).toBe(403);
  });

  it("puts each search error beside its field", async () => {
    const bad = await get(loader, "/coordinator/subject-access?childName=Rowan&dateOfBirth=11/11/2019", cookies.coordinator);
    expect(bad.body.errors).toEqual({ dateOfBirth: "Enter the date of birth as YYYY-MM-DD" });
    expect(bad.body.values.childName).toBe("Rowan");
  });

  it("finds both referrals, downloads them, and erases one with a reason; the audit shows both", async () => {
    const found = await get(loader, `/coordinator/subject-access?${search}`, cookies.coordinator);
    expect(found.body.referrals.map((r: { id: string }) => r.id).sort()).toEqual([...ids].sort());
    const json = await get(download, `/coordinator/subject-access/download?${search}&format=json`, cookies.coordinator);
    expect(JSON.parse(json.body).referrals).toHaveLength(2);
    const csv = await get(download, `/coordinator/subject-access/download?${search}&format=csv`, cookies.coordinator);
    expect(csv.body).toContain(CHILD);

    const noReason = await post(
      [
        ["childName", CHILD],
        ["dateOfBirth", DOB],
        ["referralId", ids[0]!],
        ["reason", ""],
      ],
      cookies.coordinator,
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe("reason");
    const erased = await post(
      [
        ["childName", CHILD],
        ["dateOfBirth", DOB],
        ["referralId", ids[0]!],
        ["reason", "Parent's written request, 30 Nov"],
      ],
      cookies.coordinator,
    );
    expect(erased.body).toEqual({ erased: 1, draftsErased: 0 });
    const after = await get(loader, `/coordinator/subject-access?${search}`, cookies.coordinator);
    expect(after.body.referrals.map((r: { id: string }) => r.id)).toEqual([ids[1]]);

    const db = await getDb();
    const actions = (await db.select({ action: s.auditLog.action }).from(s.auditLog).orderBy(desc(s.auditLog.id)).limit(10)).map((r) => r.action);
    expect(actions).toContain("subject_access_export");
    expect(actions).toContain("subject_erasure");
    void eq;
  });
});
