import { sql } from "drizzle-orm";
import type { Database } from "../../app/db.server";
import { hashPassword } from "../../app/auth/password.server";
import * as s from "../schema";
import { DEMO_ORGANISATIONS } from "./demo-data";
import { DEMO_TEAMS, DEMO_USERS } from "./demo-users";
import { seedReferenceData } from "./reference-data";
import { webUrl } from "../../app/security/urls";

/** Demo data goes through the same URL check as every other way in (issue 12). */
function seededWebsite(value: string): string {
  const checked = webUrl(value);
  if (!checked) throw new Error(`Demo organisation website is not an http(s) address: ${value}`);
  return checked;
}

const DUNDEE_CITY = { name: "Dundee City", code: "S12000042" };

// Demo "today" is the real today, so freshness and "last checked" read naturally.
function daysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/**
 * Loads the fictional Dundee demo directory and accounts, once: a database that already holds
 * organisations is left untouched, so running it again (or on every start) changes nothing.
 * Returns whether it seeded.
 */
export async function seedDemoData(db: Database): Promise<boolean> {
  await seedReferenceData(db);
  return db.transaction(async (tx) => {
    // Serialise concurrent first starts of several app servers.
    await tx.execute(sql`select pg_advisory_xact_lock(424242)`);
    const existing = await tx.select({ id: s.organisations.id }).from(s.organisations).limit(1);
    if (existing.length > 0) return false;

    const terms = await tx.select({ id: s.taxonomyTerms.id, taxonomy: s.taxonomyTerms.taxonomy, code: s.taxonomyTerms.code }).from(s.taxonomyTerms);
    const termId = (taxonomy: string, code: string) => {
      const term = terms.find((t) => t.taxonomy === taxonomy && t.code === code);
      if (!term) throw new Error(`Unknown ${taxonomy} term ${code} in demo data`);
      return term.id;
    };
    const wardCodes = new Map<string, string>();
    for (const org of DEMO_ORGANISATIONS) for (const l of org.locations) wardCodes.set(l.wardName, l.wardCode);

    const organisationIds: string[] = [];
    for (const org of DEMO_ORGANISATIONS) {
      const [inserted] = await tx
        .insert(s.organisations)
        .values({
          name: org.name,
          description: org.description,
          website: seededWebsite(org.website),
          email: org.email,
          phone: org.phone,
          intakeEmail: org.intakeEmail,
          charityNumber: org.charityNumber,
          status: "approved",
        })
        .returning({ id: s.organisations.id });
      const organisationId = inserted!.id;
      organisationIds.push(organisationId);

      const locationIds = new Map<string, string>();
      for (const l of org.locations) {
        const [loc] = await tx
          .insert(s.locations)
          .values({
            organisationId,
            name: l.name,
            description: l.description,
            address1: l.address1,
            city: l.city,
            postcode: l.postcode,
            latitude: l.latitude,
            longitude: l.longitude,
            wardCode: l.wardCode,
            wardName: l.wardName,
            accessibility: l.accessibility,
          })
          .returning({ id: s.locations.id });
        locationIds.set(l.key, loc!.id);
      }

      for (const svc of org.services) {
        const [service] = await tx
          .insert(s.services)
          .values({
            organisationId,
            name: svc.name,
            summary: svc.summary,
            description: svc.description,
            email: svc.contacts[0]?.email,
            phone: svc.contacts[0]?.phone,
            status: svc.status ?? "active",
            publication: svc.publication ?? "published",
            minAge: svc.minAge,
            maxAge: svc.maxAge,
            eligibilityCriteria: svc.eligibilityCriteria,
            acceptsProfessionalReferrals: svc.acceptsProfessionalReferrals,
            acceptsSelfReferrals: svc.acceptsSelfReferrals,
            capacity: svc.capacity,
            typicalWaitWeeks: svc.typicalWaitWeeks,
            isFree: svc.isFree,
            costDescription: svc.costDescription,
            lastCheckedOn: daysAgo(svc.lastCheckedDaysAgo),
          })
          .returning({ id: s.services.id });
        const serviceId = service!.id;

        await tx.insert(s.serviceAtLocations).values(
          svc.locationKeys.map((key) => {
            const locationId = locationIds.get(key);
            if (!locationId) throw new Error(`Unknown location ${key} for ${svc.name}`);
            return { serviceId, locationId };
          }),
        );
        await tx
          .insert(s.serviceTaxonomyTerms)
          .values([
            ...svc.shanarri.map((code) => ({ serviceId, taxonomyTermId: termId("shanarri", code) })),
            ...svc.categories.map((code) => ({ serviceId, taxonomyTermId: termId("category", code) })),
          ]);
        await tx
          .insert(s.serviceAreas)
          .values(
            svc.areas === "city" ? [{ serviceId, ...DUNDEE_CITY }] : svc.areas.map((ward) => ({ serviceId, name: ward, code: wardCodes.get(ward) ?? null })),
          );
        if (svc.contacts.length) await tx.insert(s.contacts).values(svc.contacts.map((c) => ({ serviceId, ...c })));
        if (svc.hours.length)
          await tx.insert(s.openingHours).values(svc.hours.map((h) => ({ serviceId, weekday: h.weekday, opensAt: h.opens, closesAt: h.closes, note: h.note })));
        if (svc.languages.length)
          await tx.insert(s.serviceLanguages).values(svc.languages.map((l, ordinal) => ({ serviceId, code: l.code, name: l.name, ordinal })));
      }
    }

    const teamIds = new Map<string, string>();
    for (const team of DEMO_TEAMS) {
      const [row] = await tx.insert(s.teams).values({ name: team.name, kind: team.kind }).returning({ id: s.teams.id });
      teamIds.set(team.key, row!.id);
    }
    for (const u of DEMO_USERS) {
      const [user] = await tx
        .insert(s.users)
        .values({
          email: u.email,
          name: u.name,
          role: u.role,
          jobTitle: u.jobTitle,
          passwordHash: await hashPassword(u.password),
          teamId: u.team ? teamIds.get(u.team) : null,
        })
        .returning({ id: s.users.id });
      if (u.organisation !== null) {
        await tx.insert(s.memberships).values({ userId: user!.id, organisationId: organisationIds[u.organisation]!, isAdmin: u.isAdmin });
      }
    }
    return true;
  });
}

export function demoLogins() {
  return DEMO_USERS.map((u) => ({
    role: u.describe,
    email: u.email,
    password: u.password,
    organisation: u.organisation === null ? null : DEMO_ORGANISATIONS[u.organisation]!.name,
  }));
}
