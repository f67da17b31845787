// Referrals with known dates, states and areas, inserted directly, for the report tests.
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { newReference } from "~/referrals/access.server";
import type { ReferralState } from "~/referrals/state-machine";
import { serviceId } from "./referrals-helpers";

export const WARD = { lochee: "S13002546", coldside: "S13002548", maryfield: "S13002549", westEnd: "S13002547" } as const;

export interface Seed {
  service: string;
  state: ReferralState;
  sent?: string;
  responded?: string;
  closed?: string;
  ward?: string | null;
  needs?: string[];
  declineReason?: string;
  closeOutcome?: string;
  needOutcomes?: Record<string, string>;
}

export async function organisationOf(serviceName: string) {
  const db = await getDb();
  const id = await serviceId(serviceName);
  const [row] = await db
    .select({ organisationId: s.services.organisationId })
    .from(s.services)
    .where((await import("drizzle-orm")).eq(s.services.id, id));
  return { serviceId: id, organisationId: row!.organisationId };
}

const at = (day?: string) => (day ? new Date(day.length === 10 ? `${day}T10:00:00Z` : day) : null);

export async function seedReferrals(seeds: Seed[]) {
  const db = await getDb();
  const ids: string[] = [];
  for (const seed of seeds) {
    const { serviceId: sid, organisationId } = await organisationOf(seed.service);
    const [row] = await db
      .insert(s.referrals)
      .values({
        groupId: crypto.randomUUID(),
        reference: newReference(),
        serviceId: sid,
        organisationId,
        state: seed.state,
        childName: "Robin Report",
        childDateOfBirth: "2019-05-05",
        childPostcode: "DD2 3AA",
        childSchool: "Test Primary",
        parentName: "Sam Report",
        parentPhone: "01632 960000",
        parentEmail: "sam.report@example.org",
        contactPreference: "phone",
        needs: (seed.needs ?? ["nurtured"]).map((code) => ({ code, description: `Private detail about ${code}` })),
        tried: "Private: what was tried",
        familyWants: "Private: what the family wants",
        consentGivenBy: "Sam Report (parent)",
        consentDate: "2026-01-01",
        consentMethod: "verbal",
        childViews: "Private: the child's views",
        declineReason: seed.declineReason ?? null,
        closeOutcome: seed.closeOutcome ?? null,
        needOutcomes: seed.needOutcomes ?? null,
        sentAt: at(seed.sent),
        firstResponseAt: at(seed.responded),
        closedAt: at(seed.closed),
        updatedAt: at(seed.closed ?? seed.responded ?? seed.sent) ?? new Date(),
        wardCode: seed.ward ?? null,
        postcodeSector: seed.ward ? "DD2 3" : null,
      })
      .returning({ id: s.referrals.id });
    ids.push(row!.id);
  }
  return ids;
}
