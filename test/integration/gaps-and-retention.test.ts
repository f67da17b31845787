import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import type { CurrentUser } from "~/auth/session.server";
import { setClock } from "~/clock.server";
import { getDb } from "~/db.server";
import { toCsv } from "~/reports/csv";
import { gapTable } from "~/reports/gap-table";
import { type GapRow, gapAnalysis } from "~/reports/gaps.server";
import { flagOverdueReferrals } from "~/reports/overdue.server";
import { dashboard } from "~/reports/reports.server";
import { serviceResponsiveness } from "~/reports/responsiveness.server";
import { REMOVED, anonymiseExpiredReferrals } from "~/reports/retention.server";
import { recordNoEligibleService } from "~/reports/unmet-demand.server";
import { SHANARRI_CODES } from "~/directory/taxonomy";
import { DEMO, outbox } from "../helpers";
import { SERVICE_A, SERVICE_B, demoUser, serviceId } from "./referrals-helpers";
import { WARD, seedReferrals } from "./reports-helpers";

let coordinator: CurrentUser;
beforeAll(async () => {
  coordinator = await demoUser(DEMO.coordinator);
});
afterEach(() => setClock(null));

const RANGE = { from: "2026-01-01", to: "2026-06-30" };
const PEOPLE_COUNTS: (keyof GapRow)[] = ["demand", "unmet", "declinedForCapacity", "noEligibleService"];

describe("gaps in provision", () => {
  beforeAll(async () => {
    // Lochee: 6 nurtured referrals, 5 of them declined for capacity. Coldside: 2. West End: 4, plus 3 attempts with no service.
    const lochee = Array.from({ length: 6 }, (_, i) => ({
      service: SERVICE_A,
      state: i < 5 ? ("declined" as const) : ("sent" as const),
      sent: `2026-03-0${i + 2}`,
      responded: i < 5 ? "2026-03-10" : undefined,
      declineReason: i < 5 ? "no_capacity" : undefined,
      ward: WARD.lochee,
      needs: ["nurtured"],
    }));
    const coldside = Array.from({ length: 2 }, () => ({
      service: SERVICE_B,
      state: "sent" as const,
      sent: "2026-04-01",
      ward: WARD.coldside,
      needs: ["safe"],
    }));
    const westEnd = Array.from({ length: 4 }, () => ({
      service: SERVICE_B,
      state: "sent" as const,
      sent: "2026-04-01",
      ward: WARD.westEnd,
      needs: ["nurtured"],
    }));
    await seedReferrals([...lochee, ...coldside, ...westEnd]);
    const referrer = await demoUser(DEMO.healthVisitor);
    // A West End postcode on three days; the attempt made twice on the last day counts once.
    for (const day of ["2026-04-01", "2026-04-02", "2026-04-03", "2026-04-03"]) {
      await recordNoEligibleService(referrer.id, { postcode: "DD1 1DP", needCodes: ["nurtured"] }, new Date(`${day}T10:00:00Z`));
    }
  });

  it("never shows a count of people below the threshold, for any need or threshold", async () => {
    for (const threshold of [2, 3, 5, 6, 10]) {
      for (const need of [undefined, ...SHANARRI_CODES]) {
        const gaps = await gapAnalysis(coordinator, { ...RANGE, need }, threshold);
        expect(gaps.rows).toHaveLength(8);
        for (const row of gaps.rows) {
          for (const key of PEOPLE_COUNTS) {
            const n = row[key] as number | null;
            if (n !== null) expect(n, `${row.wardName} ${key} at threshold ${threshold}`).toBeGreaterThanOrEqual(threshold);
          }
        }
        // Nor in the table or its CSV.
        const csv = toCsv(gapTable(gaps));
        for (const line of csv.trim().split("\r\n").slice(1)) {
          const cells = line.split(",");
          for (const cell of cells.slice(1, 5)) expect(cell === `fewer than ${threshold}` || Number(cell) >= threshold, `${line}`).toBe(true);
        }
      }
    }
  });

  it("shows demand and unmet demand where there is enough of it, against the services covering each ward", async () => {
    const gaps = await gapAnalysis(coordinator, { ...RANGE, need: "nurtured" }, 5);
    const row = (name: string) => gaps.rows.find((r) => r.wardName === name)!;
    expect(row("Lochee")).toMatchObject({ demand: 6, unmet: 5, declinedForCapacity: null, noEligibleService: null });
    expect(row("Coldside")).toMatchObject({ demand: null, unmet: null });
    // West End: 4 referrals (hidden) but 3 attempts that found no service, so still hidden at 5 …
    expect(row("West End")).toMatchObject({ demand: null, unmet: null });
    // … and shown at 3, where both parts of the unmet demand are big enough to show separately too.
    const at3 = (await gapAnalysis(coordinator, { ...RANGE, need: "nurtured" }, 3)).rows.find((r) => r.wardName === "West End")!;
    expect(at3).toMatchObject({ demand: 4, unmet: 3, declinedForCapacity: null, noEligibleService: null });
    // Services that support "nurtured" and cover Lochee (or the whole city) are counted from the directory.
    const covering = await getDb().then((db) =>
      db.execute(sql`select count(distinct s.id)::int as n from services s
        join service_taxonomy_terms stt on stt.service_id = s.id join taxonomy_terms tt on tt.id = stt.taxonomy_term_id and tt.taxonomy = 'shanarri' and tt.code = 'nurtured'
        where s.publication = 'published' and s.status = 'active' and (not exists (select 1 from service_areas sa where sa.service_id = s.id)
          or exists (select 1 from service_areas sa where sa.service_id = s.id and (sa.code = ${WARD.lochee} or sa.name = 'Lochee' or sa.code like 'S12%')))`),
    );
    const n = ((Array.isArray(covering) ? covering : (covering as unknown as { rows: { n: number }[] }).rows) as { n: number }[])[0]!.n;
    expect(n).toBeGreaterThan(0);
    expect(row("Lochee").servicesCovering).toBe(n);
    expect(
      gapTable(gaps)
        .rows.find((r) => r[0] === "Coldside")!
        .slice(1, 3),
    ).toEqual(["fewer than 5", "fewer than 5"]);
  });

  it("records an attempt with no eligible service once per child, needs and day, with no personal details", async () => {
    const db = await getDb();
    const rows = await db.select().from(s.unmetDemand);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ kind: "no_eligible_service", wardCode: WARD.westEnd, postcodeSector: "DD1 1", needCodes: ["nurtured"] });
    expect(JSON.stringify(rows)).not.toContain("DD1 1DP");
  });
});

describe("responsiveness on a service's page", () => {
  it("says nothing until there are enough referrals, then gives the usual response time and the share accepted", async () => {
    const id = await serviceId("Parents' Cuppa and Chat");
    setClock({ now: () => new Date("2026-06-01T12:00:00Z") });
    const before = await serviceResponsiveness(id, 5);
    const seeds = [
      { responded: "2026-05-05", state: "accepted" as const }, // Mon → Tue: 1
      { responded: "2026-05-06", state: "accepted" as const }, // 2
      { responded: "2026-05-07", state: "declined" as const }, // 3
      { responded: "2026-05-08", state: "in_progress" as const }, // 4
    ].map((x) => ({ service: SERVICE_B, sent: "2026-05-04", ward: WARD.coldside, ...x }));
    await seedReferrals(seeds);
    // Four decided: not yet enough to say anything.
    const four = await serviceResponsiveness(id, 5);
    await seedReferrals([{ service: SERVICE_B, sent: "2026-05-04", responded: "2026-05-14", state: "closed", closed: "2026-05-20", ward: WARD.coldside }]);
    const five = await serviceResponsiveness(id, 5);
    expect(before === null || before.decided < 5).toBe(true);
    expect(four?.usualResponseWorkingDays ?? null).toBeNull();
    // Responses 1, 2, 3, 4, 8: median 3; accepted 4 of 5.
    expect(five).toEqual({ usualResponseWorkingDays: 3, acceptedShare: 0.8, decided: 5 });
  });
});

describe("retention", () => {
  it("removes personal details from finished referrals after the retention period, keeps the figures, and logs it", async () => {
    setClock({ now: () => new Date("2026-06-01T12:00:00Z") });
    const [old, recent, open] = await seedReferrals([
      {
        service: SERVICE_A,
        state: "closed",
        sent: "2024-03-01",
        responded: "2024-03-04",
        closed: "2024-05-01",
        ward: WARD.lochee,
        closeOutcome: "other: moved in with gran",
        needOutcomes: { nurtured: "met" },
      },
      {
        service: SERVICE_A,
        state: "declined",
        sent: "2024-07-01",
        responded: "2024-07-02",
        closed: "2024-07-02",
        ward: WARD.lochee,
        declineReason: "no_capacity",
      },
      { service: SERVICE_A, state: "in_progress", sent: "2024-01-01", responded: "2024-01-02", ward: WARD.lochee },
    ]);
    const db = await getDb();
    await db.insert(s.referralMessages).values({ referralId: old!, authorLabel: "Pat", party: "referrer", body: "Mum's new number is 07700 900000" });
    await db.insert(s.referralHistory).values({
      referralId: old!,
      actorLabel: "Pat",
      party: "provider",
      action: "close",
      fromState: "in_progress",
      toState: "closed",
      note: "Gran's address",
      reason: "moved in with gran",
    });
    const range = { from: "2024-01-01", to: "2024-12-31" };
    const before = await dashboard(coordinator, range);

    expect(await anonymiseExpiredReferrals(24)).toBe(1);
    const [row] = await db.select().from(s.referrals).where(eq(s.referrals.id, old!));
    expect(row).toMatchObject({
      childName: REMOVED,
      childDateOfBirth: null,
      childPostcode: null,
      childSchool: null,
      parentName: REMOVED,
      parentPhone: null,
      parentEmail: null,
      tried: null,
      familyWants: REMOVED,
      childViews: null,
      consentGivenBy: REMOVED,
      closeOutcome: "other",
      state: "closed",
      wardCode: WARD.lochee,
      needOutcomes: { nurtured: "met" },
      needs: [{ code: "nurtured", description: "" }],
    });
    expect(row!.anonymisedAt).not.toBeNull();
    expect(await db.select().from(s.referralMessages).where(eq(s.referralMessages.referralId, old!))).toEqual([]);
    const [history] = await db.select().from(s.referralHistory).where(eq(s.referralHistory.referralId, old!));
    expect(history).toMatchObject({ note: null, reason: null, action: "close" });
    for (const kept of [recent!, open!]) {
      const [k] = await db
        .select({ childName: s.referrals.childName, anonymisedAt: s.referrals.anonymisedAt })
        .from(s.referrals)
        .where(eq(s.referrals.id, kept));
      expect(k).toEqual({ childName: "Robin Report", anonymisedAt: null });
    }
    const [entry] = await db.select().from(s.auditLog).where(eq(s.auditLog.action, "referrals_anonymised"));
    expect(entry!.details).toMatchObject({ count: 1, retentionMonths: 24, referralIds: [old] });

    // The figures are the same after as before.
    const after = await dashboard(coordinator, range);
    expect(after.summary).toEqual(before.summary);
    expect(after.wards).toEqual(before.wards);
    expect(after.needOutcomes).toEqual(before.needOutcomes);
    // Nothing more to do on a second run; a month later the declined one goes too.
    expect(await anonymiseExpiredReferrals(24)).toBe(0);
    setClock({ now: () => new Date("2026-07-03T12:00:00Z") });
    expect(await anonymiseExpiredReferrals(24)).toBe(1);
  });
});

describe("overdue flags", () => {
  it("tells the provider and the coordinators once when a referral goes unanswered too long", async () => {
    setClock({ now: () => new Date("2026-06-15T09:00:00Z") });
    const [late, inTime] = await seedReferrals([
      // Sent Monday 1 June: 10 working days by Monday 15 June, over the default 5.
      { service: SERVICE_A, state: "sent", sent: "2026-06-01", ward: WARD.lochee },
      { service: SERVICE_A, state: "sent", sent: "2026-06-12", ward: WARD.lochee },
    ]);
    const before = (await outbox()).length;
    const flagged = await flagOverdueReferrals();
    expect(flagged).toBeGreaterThanOrEqual(1);
    const db = await getDb();
    const [{ reference }] = (await db.select({ reference: s.referrals.reference }).from(s.referrals).where(eq(s.referrals.id, late!))) as [
      { reference: string },
    ];
    const mails = (await outbox()).slice(before);
    expect(mails.some((m) => m.to === "referrals@tayfamilylinks.example.org" && m.subject.includes(reference))).toBe(true);
    expect(mails.some((m) => m.to === DEMO.coordinator && m.text.includes(reference))).toBe(true);
    expect(mails.every((m) => !m.text.includes("Robin") && !m.text.includes("Sam Report"))).toBe(true);
    const [{ inTimeRef }] = (await db.select({ inTimeRef: s.referrals.reference }).from(s.referrals).where(eq(s.referrals.id, inTime!))) as [
      { inTimeRef: string },
    ];
    expect(mails.some((m) => m.text.includes(inTimeRef))).toBe(false);
    // Once only.
    expect(await flagOverdueReferrals()).toBe(0);
  });
});
