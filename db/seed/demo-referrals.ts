// A year of fictional referrals for the demo, so the reports, the gap map, services' responsiveness and the
// audit log have something to show on first start. Loaded with the demo directory by the app (boot), never by
// the tests (SEED_DEMO_DATA=false, and the test template seeds only the directory), so no test depends on it.
//
// Deterministic: a fixed pseudo-random sequence picks every service, ward, need, state and date, relative to
// the day it runs. Every name is invented; postcodes are real Dundee postcodes (from geodata/) so each referral
// falls in a ward, as a real one would.
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Database } from "../../app/db.server";
import { listAreas } from "../../app/geo/areas.server";
import type { CLOSE_OUTCOMES, DECLINE_REASONS } from "../../app/referrals/state-machine";
import { SHANARRI } from "../../app/directory/taxonomy";
import { sealReferral } from "../../app/privacy/sealed-fields.server";
import * as s from "../schema";

const DAY = 86_400_000;
export const DEMO_REFERRAL_COUNT = 640;

/** mulberry32: a tiny, well-known seeded generator; the same seed gives the same demo every time. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const weighted = <T>(items: readonly (readonly [T, number])[]): T => {
    const total = items.reduce((n, [, w]) => n + w, 0);
    let r = next() * total;
    for (const [item, w] of items) if ((r -= w) < 0) return item;
    return items[items.length - 1]![0];
  };
  return { next, pick, weighted };
}

const FIRST_NAMES = [
  "Aila",
  "Ben",
  "Cara",
  "Dylan",
  "Eilidh",
  "Finlay",
  "Grace",
  "Harris",
  "Isla",
  "Jack",
  "Katie",
  "Lewis",
  "Mia",
  "Noah",
  "Orla",
  "Patryk",
  "Rosie",
  "Sami",
  "Tegan",
  "Zofia",
  "Amir",
  "Lena",
  "Kacper",
  "Ruby",
];
const SURNAMES = [
  "Adair",
  "Brodie",
  "Cairns",
  "Dunlop",
  "Erskine",
  "Fyfe",
  "Gowans",
  "Hood",
  "Imrie",
  "Jarvie",
  "Kinnear",
  "Lamont",
  "Moffat",
  "Nairn",
  "Ogilvie",
  "Petrie",
  "Rennie",
  "Soutar",
  "Tosh",
  "Urquhart",
];
const PARENTS = ["Mum", "Dad", "Gran", "Aunt", "Foster carer"];
const WANTS = [
  "Some help with bedtime and morning routines.",
  "Someone to talk to about how things are at home.",
  "Support getting back into a routine at school.",
  "Help with money worries and food at the end of the month.",
  "A group where they can meet other parents.",
];

const DECLINE_WEIGHTS: [keyof typeof DECLINE_REASONS, number][] = [
  ["no_capacity", 5],
  ["not_eligible", 3],
  ["outside_area", 2],
  ["family_declined", 2],
  ["better_met_elsewhere", 2],
  ["duplicate", 1],
  ["other", 1],
];
const CLOSE_WEIGHTS: [keyof typeof CLOSE_OUTCOMES, number][] = [
  ["needs_met", 6],
  ["needs_partly_met", 4],
  ["family_disengaged", 2],
  ["unable_to_contact", 2],
  ["moved_away", 1],
  ["escalated_to_statutory", 1],
  ["other", 1],
];

/** Real non-pooled Dundee postcodes by ward, from the postcode file the app already uses. */
function postcodesByWard() {
  const file = path.resolve(process.cwd(), "geodata/dd_postcodes.csv");
  const byWard = new Map<string, { postcode: string; sector: string }[]>();
  for (const line of readFileSync(file, "utf8").split(/\r?\n/).slice(1)) {
    const [postcode, , sector, , , pooled, ward] = line.split(",");
    if (!postcode || !ward || pooled !== "0") continue;
    const list = byWard.get(ward) ?? [];
    if (list.length < 400) list.push({ postcode, sector: sector! });
    byWard.set(ward, list);
  }
  return byWard;
}

/** Adds working days (Monday to Friday) to a date, for plausible response times. */
function addWorkingDays(from: Date, days: number) {
  const d = new Date(from);
  let left = days;
  while (left > 0) {
    d.setTime(d.getTime() + DAY);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left -= 1;
  }
  return d;
}

const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
function demoReference(i: number) {
  let n = i;
  const chars: string[] = [];
  for (let k = 0; k < 6; k++) {
    chars.push(REFERENCE_ALPHABET[n % REFERENCE_ALPHABET.length]!);
    n = Math.floor(n / REFERENCE_ALPHABET.length);
  }
  return `FR-DE${chars.slice(0, 2).join("")}-${chars.slice(2).join("")}`;
}

/**
 * Loads the demo referral history once (a database that already has referrals is left alone). Returns how many
 * referrals it added.
 */
export async function seedDemoReferralHistory(db: Database, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(424243)`);
    const [existing] = await tx.select({ id: s.referrals.id }).from(s.referrals).limit(1);
    if (existing) return 0;

    const services = await tx
      .select({
        id: s.services.id,
        organisationId: s.services.organisationId,
        self: s.services.acceptsSelfReferrals,
        professional: s.services.acceptsProfessionalReferrals,
      })
      .from(s.services)
      .where(sql`${s.services.publication} = 'published' and ${s.services.status} = 'active'`)
      .orderBy(s.services.name);
    const people = await tx.select({ id: s.users.id, email: s.users.email, name: s.users.name, role: s.users.role, teamId: s.users.teamId }).from(s.users);
    const members = await tx.select({ userId: s.memberships.userId, organisationId: s.memberships.organisationId }).from(s.memberships);
    const referrers = people.filter((p) => p.role === "referrer");
    const coordinator = people.find((p) => p.role === "coordinator");
    if (services.length === 0 || referrers.length === 0) return 0;

    const rnd = generator(20261130);
    const wards = listAreas();
    const postcodes = postcodesByWard();
    // Demand is uneven across the city on purpose, so the gap map has a shape.
    const wardWeights = wards.map((w, i) => [w, [6, 9, 4, 8, 3, 5, 7, 2][i % 8]!] as const);
    const needs = SHANARRI.map((n) => n.code);
    const nameOf = (id: string | null) => people.find((p) => p.id === id)?.name ?? "The family";
    const providerOf = (organisationId: string) => members.find((m) => m.organisationId === organisationId)?.userId ?? null;

    const referralRows: (typeof s.referrals.$inferInsert)[] = [];
    const historyRows: (typeof s.referralHistory.$inferInsert)[] = [];
    const accessRows: (typeof s.referralAccessLog.$inferInsert)[] = [];

    for (let i = 0; i < DEMO_REFERRAL_COUNT; i++) {
      const isSelf = rnd.next() < 0.15;
      const candidates = services.filter((svc) => (isSelf ? svc.self : svc.professional));
      const service = rnd.pick(candidates.length ? candidates : services);
      const ward = rnd.weighted(wardWeights);
      const place = rnd.pick(postcodes.get(ward.name) ?? [{ postcode: "DD1 1AA", sector: "DD1 1" }]);
      const referrer = isSelf ? null : rnd.pick(referrers);
      // Spread over the last twelve months, a little busier in recent months; a few in the last fortnight stay open.
      const daysAgo = i < 24 ? 1 + Math.floor(rnd.next() * 14) : Math.floor(Math.pow(rnd.next(), 0.8) * 360) + 3;
      const sentAt = new Date(now.getTime() - daysAgo * DAY - Math.floor(rnd.next() * 8) * 3_600_000);
      const needCount = 1 + Math.floor(rnd.next() * 3);
      const needCodes = [...new Set(Array.from({ length: needCount }, () => rnd.pick(needs)))];
      const first = rnd.pick(FIRST_NAMES);
      const surname = rnd.pick(SURNAMES);

      // The state it has reached: recent ones are still open; older ones have mostly finished.
      const recent = daysAgo <= 14;
      const state = recent
        ? rnd.weighted([
            ["sent", 5],
            ["accepted", 3],
            ["info_requested", 1],
            ["declined", 1],
          ] as const)
        : rnd.weighted([
            ["closed", 9],
            ["declined", 4],
            ["in_progress", 3],
            ["withdrawn", 1],
            ["sent", daysAgo < 40 ? 1 : 0],
          ] as const);
      const responded = state !== "sent" && state !== "withdrawn";
      const firstResponseAt = responded ? addWorkingDays(sentAt, Math.floor(Math.pow(rnd.next(), 2) * 9) + 1) : null;
      const closedAt =
        state === "closed" ? new Date(Math.min(now.getTime() - DAY, (firstResponseAt ?? sentAt).getTime() + (20 + Math.floor(rnd.next() * 90)) * DAY)) : null;
      const declineReason = state === "declined" ? rnd.weighted(DECLINE_WEIGHTS) : null;
      const closeOutcome = state === "closed" ? rnd.weighted(CLOSE_WEIGHTS) : null;
      const needOutcomes =
        state === "closed"
          ? Object.fromEntries(
              needCodes.map((c) => [
                c,
                closeOutcome === "needs_met"
                  ? "met"
                  : closeOutcome === "needs_partly_met"
                    ? rnd.pick(["met", "partly_met"])
                    : rnd.pick(["partly_met", "not_met", "not_addressed"]),
              ]),
            )
          : null;
      const lastAt = closedAt ?? firstResponseAt ?? sentAt;
      const id = crypto.randomUUID();
      const referrerUser = referrer ? people.find((p) => p.id === referrer.id)! : null;
      referralRows.push({
        id,
        groupId: crypto.randomUUID(),
        reference: demoReference(i),
        serviceId: service.id,
        organisationId: service.organisationId,
        referrerId: referrerUser?.id ?? null,
        teamId: referrerUser?.teamId ?? null,
        state,
        isSelfReferral: isSelf,
        childName: `${first} ${surname}`,
        childDateOfBirth: isSelf ? null : new Date(now.getTime() - (1 + Math.floor(rnd.next() * 14)) * 365 * DAY).toISOString().slice(0, 10),
        childAgeYears: isSelf ? 1 + Math.floor(rnd.next() * 14) : null,
        childPostcode: place.postcode,
        parentName: `${rnd.pick(["Sam", "Alex", "Jo", "Chris", "Kim", "Robin"])} ${surname}`,
        parentRelationship: rnd.pick(PARENTS),
        parentPhone: `01632 960${String(100 + (i % 900)).padStart(3, "0")}`,
        contactPreference: rnd.pick(["phone", "text", "email"]),
        needs: needCodes.map((code) => ({ code, description: "Fictional demo referral." })),
        familyWants: rnd.pick(WANTS),
        urgency: rnd.weighted([
          ["routine", 7],
          ["soon", 2],
          ["urgent", 1],
        ] as const),
        consentGivenBy: isSelf ? "The parent (self-referral)" : "Parent",
        consentDate: sentAt.toISOString().slice(0, 10),
        consentMethod: isSelf ? "written" : rnd.pick(["verbal", "written"]),
        declineReason,
        closeOutcome,
        needOutcomes,
        version: 1 + (responded ? 1 : 0) + (state === "in_progress" || state === "closed" ? 2 : 0),
        updatedBy: null,
        updatedByLabel: null,
        lastActivityAt: lastAt,
        lastActivityParty: responded ? "provider" : isSelf ? "family" : "referrer",
        createdAt: sentAt,
        updatedAt: lastAt,
        sentAt,
        firstResponseAt,
        closedAt,
        wardCode: ward.code,
        postcodeSector: place.sector,
        // Already flagged, so the first start does not email coordinators about a year of fictional referrals.
        overdueNotifiedAt: state === "sent" && daysAgo > 7 ? new Date(sentAt.getTime() + 7 * DAY) : null,
      });

      const provider = providerOf(service.organisationId);
      const referrerLabel = referrerUser?.name ?? "The family";
      const step = (
        at: Date,
        actorId: string | null,
        party: "referrer" | "provider" | "family",
        action: string,
        fromState: string,
        toState: string,
        reason: string | null = null,
      ) =>
        historyRows.push({
          referralId: id,
          at,
          actorId,
          actorLabel: actorId ? nameOf(actorId) : party === "family" ? "The family" : "The service",
          party,
          action,
          fromState: fromState as never,
          toState: toState as never,
          reason,
        });
      step(sentAt, referrerUser?.id ?? null, isSelf ? "family" : "referrer", "submit", "draft", "sent");
      if (firstResponseAt && provider) accessRows.push({ referralId: id, userId: provider, kind: "viewed", at: firstResponseAt });
      if (state === "declined") step(firstResponseAt!, provider, "provider", "decline", "sent", "declined", declineReason);
      if (state === "info_requested") step(firstResponseAt!, provider, "provider", "request_info", "sent", "info_requested");
      if (state === "accepted" || state === "in_progress" || state === "closed") step(firstResponseAt!, provider, "provider", "accept", "sent", "accepted");
      if (state === "in_progress" || state === "closed")
        step(new Date(firstResponseAt!.getTime() + 2 * DAY), provider, "provider", "start_support", "accepted", "in_progress");
      if (state === "closed") step(closedAt!, provider, "provider", "close", "in_progress", "closed", closeOutcome);
      if (state === "withdrawn")
        step(new Date(sentAt.getTime() + 3 * DAY), referrerUser?.id ?? null, isSelf ? "family" : "referrer", "withdraw", "sent", "withdrawn");
      if (coordinator && i % 45 === 7) {
        accessRows.push({
          referralId: id,
          userId: coordinator.id,
          kind: "opened_with_reason",
          reason: "Demo: checking why this referral has had no reply",
          at: new Date(sentAt.getTime() + 8 * DAY),
        });
      }
      void referrerLabel;
    }

    // Fictional, but stored as real referrals are (issue 18): personal fields sealed, with the blind index of the name.
    for (let i = 0; i < referralRows.length; i += 200) await tx.insert(s.referrals).values(referralRows.slice(i, i + 200).map((r) => sealReferral(r)));
    for (let i = 0; i < historyRows.length; i += 500) await tx.insert(s.referralHistory).values(historyRows.slice(i, i + 500));
    for (let i = 0; i < accessRows.length; i += 500) await tx.insert(s.referralAccessLog).values(accessRows.slice(i, i + 500));

    // Demand no listed service fitted, recorded as figures only: a few attempts per ward and month.
    const unmet: (typeof s.unmetDemand.$inferInsert)[] = [];
    for (let i = 0; i < 90; i++) {
      const ward = rnd.weighted(wardWeights);
      const place = rnd.pick(postcodes.get(ward.name) ?? [{ postcode: "DD1 1AA", sector: "DD1 1" }]);
      unmet.push({
        at: new Date(now.getTime() - (3 + Math.floor(rnd.next() * 350)) * DAY),
        kind: "no_eligible_service",
        wardCode: ward.code,
        postcodeSector: place.sector,
        needCodes: [rnd.pick(needs)],
        fingerprint: `demo-${i}`,
      });
    }
    await tx.insert(s.unmetDemand).values(unmet).onConflictDoNothing();
    return referralRows.length;
  });
}
