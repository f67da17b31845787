// Issue 18: a coordinator finds a child's records by name and date of birth, exports them, and erases one with a reason.
import { desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { eraseSubjectRecords, exportSubjectRecords, findSubjectRecords, subjectRecordsCsv } from "~/privacy/subject-access.server";
import { sendReferral } from "~/referrals/commands.server";
import { postMessage } from "~/referrals/messages.server";
import { saveDraft } from "~/referrals/drafts.server";
import { getReferral } from "~/referrals/queries.server";
import { REMOVED } from "~/reports/retention.server";
import { SERVICE_A, SERVICE_B, demoUsers, serviceId, validInput } from "./referrals-helpers";

let users: Awaited<ReturnType<typeof demoUsers>>;
const CHILD = "Ailsa Requestwell";
const DOB = "2018-09-03";
let ids: string[] = [];
let reference = "";

beforeAll(async () => {
  users = await demoUsers();
  const first = await sendReferral(
    users.healthVisitor,
    validInput([await serviceId(SERVICE_A)], { childName: CHILD, childDateOfBirth: DOB, parentName: "Fiona Requestwell" }),
  );
  // The same child, typed differently by another referrer, to another service.
  const second = await sendReferral(
    users.teacher,
    validInput([await serviceId(SERVICE_B)], { childName: "  ailsa  REQUESTWELL ", childDateOfBirth: DOB, parentName: "Fiona Requestwell" }),
  );
  // Someone else with the same name but another birthday.
  await sendReferral(users.healthVisitor, validInput([await serviceId(SERVICE_A)], { childName: CHILD, childDateOfBirth: "2017-01-01" }));
  ids = [...first.ids, ...second.ids];
  await postMessage({ kind: "user", user: users.healthVisitor }, first.ids[0]!, "Mum prefers texts after 5pm");
  await saveDraft(users.healthVisitor, { childName: CHILD, childDateOfBirth: DOB });
  const db = await getDb();
  [{ reference }] = (await db.select({ reference: s.referrals.reference }).from(s.referrals).where(eq(s.referrals.id, first.ids[0]!))) as [
    { reference: string },
  ];
});

describe("subject access", () => {
  it("is for coordinators only", async () => {
    await expect(findSubjectRecords(users.healthVisitor, { childName: CHILD, dateOfBirth: DOB })).rejects.toThrow();
    await expect(eraseSubjectRecords(users.providerOne, { childName: CHILD, dateOfBirth: DOB }, ids, "Because")).rejects.toThrow();
  });

  it("finds the child's two referrals, their messages and the draft, from name and date of birth or from a reference", async () => {
    const found = await findSubjectRecords(users.coordinator, { childName: CHILD, dateOfBirth: DOB });
    expect(found.referrals.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(found.referrals.every((r) => r.parentName === "Fiona Requestwell")).toBe(true);
    expect(found.referrals.flatMap((r) => r.messages.map((m) => m.body))).toEqual(["Mum prefers texts after 5pm"]);
    expect(found.drafts).toHaveLength(1);
    const byReference = await findSubjectRecords(users.coordinator, { reference });
    expect(byReference.referrals.map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  it("exports a readable file and audits the export with counts and ids only", async () => {
    const records = await exportSubjectRecords(users.coordinator, { childName: CHILD, dateOfBirth: DOB });
    const csv = subjectRecordsCsv(records);
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(3);
    expect(csv).toContain(CHILD);
    const db = await getDb();
    const [entry] = await db.select().from(s.auditLog).where(eq(s.auditLog.action, "subject_access_export")).orderBy(desc(s.auditLog.id)).limit(1);
    expect(entry).toMatchObject({ actorId: users.coordinator.id, details: { referrals: 2, drafts: 1 } });
    expect(JSON.stringify(entry!.details)).not.toContain("Requestwell");
  });

  it("erases one referral with a reason: its details and messages go, the other stays, the audit says why", async () => {
    const result = await eraseSubjectRecords(
      users.coordinator,
      { childName: CHILD, dateOfBirth: DOB },
      [ids[0]!, crypto.randomUUID()],
      "Family's erasure request of 30 November",
    );
    expect(result).toEqual({ referrals: 1, drafts: 1 });
    const db = await getDb();
    const [erased] = await db
      .select({ childName: s.referrals.childName, parentPhone: s.referrals.parentPhone, anonymisedAt: s.referrals.anonymisedAt })
      .from(s.referrals)
      .where(eq(s.referrals.id, ids[0]!));
    expect(erased).toMatchObject({ childName: REMOVED, parentPhone: null });
    expect(await db.select().from(s.referralMessages).where(eq(s.referralMessages.referralId, ids[0]!))).toHaveLength(0);
    expect((await getReferral(users.teacher, ids[1]!))?.personal?.childName).toContain("REQUESTWELL");
    const left = await findSubjectRecords(users.coordinator, { childName: CHILD, dateOfBirth: DOB });
    expect(left.referrals.map((r) => r.id)).toEqual([ids[1]]);
    expect(left.drafts).toHaveLength(0);
    const [entry] = await db.select().from(s.auditLog).where(eq(s.auditLog.action, "subject_erasure")).orderBy(desc(s.auditLog.id)).limit(1);
    expect(entry).toMatchObject({
      actorId: users.coordinator.id,
      details: { reason: "Family's erasure request of 30 November", referrals: 1, drafts: 1, referralIds: [ids[0]] },
    });
  });
});
