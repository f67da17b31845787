// Applying an approved form to the published record, changing only what the provider touched.
import { and, eq, inArray } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { clock } from "../clock.server";
import type { Database } from "../db.server";
import type { Choice } from "./languages";
import { touchedParts } from "./service-diff";
import type { ServiceForm } from "./service-form";
import { today } from "./service-reading.server";

/** The current form with only the parts the provider changed (against the record they edited) taken from the proposal. */
export function mergeTouched(current: ServiceForm, base: ServiceForm, proposed: ServiceForm): ServiceForm {
  const touched = touchedParts(base, proposed);
  const merged: ServiceForm = { ...current };
  for (const key of touched.scalars) (merged as Record<string, unknown>)[key] = proposed[key];
  if (touched.taxonomy) Object.assign(merged, { shanarri: proposed.shanarri, categories: proposed.categories });
  if (touched.areas) merged.areas = proposed.areas;
  if (touched.languages) merged.languages = proposed.languages;
  const removed = new Set(touched.placesRemoved);
  const proposedById = new Map(proposed.locations.map((p) => [p.locationId, p]));
  const accessibilityChanged = new Set(touched.accessibility.map((p) => p.locationId));
  merged.locations = [
    ...current.locations
      .filter((p) => !removed.has(p.locationId))
      .map((p) => {
        const mine = proposedById.get(p.locationId);
        if (!mine) return p;
        return {
          locationId: p.locationId,
          hours: touched.hours ? mine.hours : p.hours,
          accessibility: accessibilityChanged.has(p.locationId) ? mine.accessibility : p.accessibility,
        };
      }),
    ...proposed.locations.filter((p) => touched.placesAdded.includes(p.locationId) && !current.locations.some((c) => c.locationId === p.locationId)),
  ];
  return merged;
}

const sameWeek = (a: ServiceForm["locations"][number]["hours"], b: ServiceForm["locations"][number]["hours"]) => JSON.stringify(a) === JSON.stringify(b);

/** Writes a form onto the service, touching only the tables whose content differs from what is published now. */
export async function applyForm(
  tx: Database,
  serviceId: string,
  form: ServiceForm,
  current: ServiceForm,
  choices: { areas: Choice[]; languages: Choice[] },
  actorId: string,
  ip: string,
) {
  await tx
    .update(s.services)
    .set({
      name: form.name,
      summary: form.summary,
      description: form.description,
      minAge: form.minAge,
      maxAge: form.maxAge,
      eligibilityCriteria: form.eligibilityCriteria,
      acceptsProfessionalReferrals: form.acceptsProfessionalReferrals,
      acceptsSelfReferrals: form.acceptsSelfReferrals,
      status: form.status,
      isFree: form.isFree,
      costDescription: form.isFree ? null : form.costDescription,
      url: form.url,
      email: form.email,
      phone: form.phone,
      publication: "published",
      lastCheckedOn: today(),
      updatedAt: clock.now(),
    })
    .where(eq(s.services.id, serviceId));
  const changed = touchedParts(current, form);
  if (changed.taxonomy) {
    const terms = await tx
      .select({ id: s.taxonomyTerms.id, taxonomy: s.taxonomyTerms.taxonomy, code: s.taxonomyTerms.code })
      .from(s.taxonomyTerms)
      .where(inArray(s.taxonomyTerms.code, [...form.shanarri, ...form.categories]));
    const wanted = terms.filter((t) => (t.taxonomy === "shanarri" ? (form.shanarri as string[]) : (form.categories as string[])).includes(t.code));
    await tx.delete(s.serviceTaxonomyTerms).where(eq(s.serviceTaxonomyTerms.serviceId, serviceId));
    if (wanted.length) await tx.insert(s.serviceTaxonomyTerms).values(wanted.map((t) => ({ serviceId, taxonomyTermId: t.id })));
  }
  if (changed.placesRemoved.length) {
    await tx
      .delete(s.serviceAtLocations)
      .where(and(eq(s.serviceAtLocations.serviceId, serviceId), inArray(s.serviceAtLocations.locationId, changed.placesRemoved)));
  }
  if (changed.placesAdded.length) {
    await tx
      .insert(s.serviceAtLocations)
      .values(changed.placesAdded.map((locationId) => ({ serviceId, locationId })))
      .onConflictDoNothing();
  }
  if (changed.hours || changed.placesAdded.length) {
    await tx.delete(s.openingHours).where(eq(s.openingHours.serviceId, serviceId));
    // The same week everywhere is kept once for the service; different weeks are kept per place.
    const sameEverywhere = form.locations.every((p) => sameWeek(p.hours, form.locations[0]!.hours));
    const places = sameEverywhere ? [{ locationId: null, hours: form.locations[0]!.hours }] : form.locations;
    const rows = places.flatMap((p) =>
      p.hours.flatMap((h, i) => (h.opens && h.closes ? [{ serviceId, locationId: p.locationId, weekday: i + 1, opensAt: h.opens, closesAt: h.closes }] : [])),
    );
    if (rows.length) await tx.insert(s.openingHours).values(rows);
  }
  for (const place of form.locations) {
    const before = current.locations.find((p) => p.locationId === place.locationId);
    const differs = before ? changed.accessibility.some((p) => p.locationId === place.locationId) : place.accessibility.length > 0;
    if (!differs) continue;
    // Accessibility is a fact about the building, so it changes for every service there.
    await tx.update(s.locations).set({ accessibility: place.accessibility, updatedAt: clock.now() }).where(eq(s.locations.id, place.locationId));
    await audit(
      {
        actorId,
        action: "location_saved",
        subjectType: "location",
        subjectId: place.locationId,
        ip,
        details: { accessibility: place.accessibility, viaService: serviceId },
      },
      tx,
    );
  }
  if (changed.areas) {
    const names = new Map(choices.areas.map((a) => [a.code, a.name]));
    await tx.delete(s.serviceAreas).where(eq(s.serviceAreas.serviceId, serviceId));
    const rows = form.areas.map((key) =>
      key.startsWith("name:") ? { serviceId, code: null, name: key.slice(5) } : { serviceId, code: key, name: names.get(key) ?? key },
    );
    if (rows.length) await tx.insert(s.serviceAreas).values(rows);
  }
  if (changed.languages) {
    const names = new Map(choices.languages.map((l) => [l.code, l.name]));
    await tx.delete(s.serviceLanguages).where(eq(s.serviceLanguages.serviceId, serviceId));
    const rows = [...new Set(form.languages)].map((code, ordinal) => ({ serviceId, code, name: names.get(code) ?? code, ordinal }));
    if (rows.length) await tx.insert(s.serviceLanguages).values(rows);
  }
}
