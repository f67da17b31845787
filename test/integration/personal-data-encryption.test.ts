// Issue 18: personal fields are sealed at rest on both engines, readable only through the domain, and survive a key change.
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { reloadConfig } from "~/config.server";
import { getDb } from "~/db.server";
import { isSealed, newDataKey, open, subjectIndex } from "~/privacy/crypto.server";
import { encryptPersonalData } from "~/privacy/encryption.server";
import { sendReferral } from "~/referrals/commands.server";
import { getDraft, listDrafts, saveDraft } from "~/referrals/drafts.server";
import { getReferral, referrerDashboard } from "~/referrals/queries.server";
import { demoUsers, serviceId, SERVICE_A, validInput } from "./referrals-helpers";
import { WARD, seedReferrals } from "./reports-helpers";

let users: Awaited<ReturnType<typeof demoUsers>>;
beforeAll(async () => {
  users = await demoUsers();
});
const originalKey = process.env.DATA_ENCRYPTION_KEY!;
afterEach(() => {
  process.env.DATA_ENCRYPTION_KEY = originalKey;
  delete process.env.DATA_ENCRYPTION_PREVIOUS_KEYS;
  reloadConfig();
});

const CHILD = "Morven Cipherfield";
const PARENT = "Isla Cipherfield";
const PHONE = "01632 960777";
const EMAIL = "isla.cipherfield@example.org";
const DOB = "2019-04-17";

async function rawReferrals() {
  const db = await getDb();
  const result = await db.execute(sql`select * from referrals`);
  return JSON.stringify(Array.isArray(result) ? result : (result as { rows: unknown[] }).rows);
}

describe("encryption at rest", () => {
  it("keeps no child's or parent's name, date of birth, phone or email in the clear, and shows them to the referrer", async () => {
    const input = validInput([await serviceId(SERVICE_A)], {
      childName: CHILD,
      childDateOfBirth: DOB,
      parentName: PARENT,
      parentPhone: PHONE,
      parentEmail: EMAIL,
    });
    const { ids } = await sendReferral(users.healthVisitor, input);
    const raw = await rawReferrals();
    for (const secret of [CHILD, PARENT, PHONE, EMAIL, DOB, "Cipherfield"]) expect(raw).not.toContain(secret);
    // What reports use stays readable: the area.
    const db = await getDb();
    const [row] = await db
      .select({ ward: s.referrals.wardCode, childName: s.referrals.childName, index: s.referrals.subjectIndex })
      .from(s.referrals)
      .where(eq(s.referrals.id, ids[0]!));
    expect(isSealed(row!.childName)).toBe(true);
    expect(row!.index).toBe(subjectIndex(CHILD, DOB));

    const view = await getReferral(users.healthVisitor, ids[0]!);
    expect(view?.personal).toMatchObject({ childName: CHILD, childDateOfBirth: DOB, parentName: PARENT, parentPhone: PHONE, parentEmail: EMAIL });
    const providerView = await getReferral(users.providerOne, ids[0]!);
    expect(providerView?.personal?.childName).toBe(CHILD);
    // A coordinator without a reason sees no personal details at all.
    expect((await getReferral(users.coordinator, ids[0]!))?.personal).toBeNull();
    const list = await referrerDashboard(users.healthVisitor);
    expect(JSON.stringify(list?.items)).toContain("Morven");
  });

  it("seals drafts too and gives them back as typed", async () => {
    const id = await saveDraft(users.teacher, { childName: "Draft Sealedname", parentPhone: PHONE });
    const db = await getDb();
    const [raw] = await db.select({ values: s.referralDrafts.values }).from(s.referralDrafts).where(eq(s.referralDrafts.id, id!));
    expect(JSON.stringify(raw)).not.toContain("Sealedname");
    expect((await getDraft(users.teacher, id!))?.values).toMatchObject({ childName: "Draft Sealedname", parentPhone: PHONE });
    expect((await listDrafts(users.teacher)).map((d) => d.childName)).toContain("Draft Sealedname");
  });

  it("seals rows written before encryption, then re-seals everything under a new key, which the app reads", async () => {
    const [legacy] = await seedReferrals([{ service: SERVICE_A, state: "sent", sent: "2026-05-01", ward: WARD.lochee }]);
    const db = await getDb();
    await db.update(s.referrals).set({ referrerId: users.healthVisitor.id, teamId: users.healthVisitor.teamId }).where(eq(s.referrals.id, legacy!));
    expect(await rawReferrals()).toContain("Robin Report");
    const first = await encryptPersonalData();
    expect(first.referrals).toBeGreaterThanOrEqual(1);
    expect(await rawReferrals()).not.toContain("Robin Report");
    expect((await getReferral(users.healthVisitor, legacy!))?.personal?.childName).toBe("Robin Report");

    // Rotate: the old key becomes a previous key; the job moves every value to the new one.
    const newKey = newDataKey();
    process.env.DATA_ENCRYPTION_PREVIOUS_KEYS = originalKey;
    process.env.DATA_ENCRYPTION_KEY = newKey;
    reloadConfig();
    const rotated = await encryptPersonalData();
    expect(rotated.referrals).toBeGreaterThanOrEqual(2);
    // With only the new key, everything still reads.
    delete process.env.DATA_ENCRYPTION_PREVIOUS_KEYS;
    reloadConfig();
    const all = await db
      .select({ id: s.referrals.id, childName: s.referrals.childName, parentPhone: s.referrals.parentPhone, anonymisedAt: s.referrals.anonymisedAt })
      .from(s.referrals);
    for (const r of all.filter((r) => !r.anonymisedAt)) {
      expect(() => open(r.childName)).not.toThrow();
      expect(() => open(r.parentPhone)).not.toThrow();
    }
    expect((await getReferral(users.healthVisitor, legacy!))?.personal?.childName).toBe("Robin Report");
    expect((await getDraft(users.teacher, (await listDrafts(users.teacher))[0]!.id))?.values.childName).toBe("Draft Sealedname");
    // Nothing left to do.
    expect(await encryptPersonalData()).toEqual({ referrals: 0, messages: 0, notes: 0, drafts: 0 });
  });
});
