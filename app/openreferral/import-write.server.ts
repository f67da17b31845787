// Writing one decided batch of an import in one transaction (docs/decisions/0007).
import { and, eq, inArray } from "drizzle-orm";
import * as s from "../../db/schema";
import type { Database } from "../db.server";
import { insertMany } from "./copy-rows.server";
import type { Run } from "./import-run.server";
import type { LocationDraft, OrganisationDraft, ServiceDraft } from "./records.server";

// The same columns the Open Referral API reads, so an import compares exactly what is published.
export { locationColumns, organisationColumns } from "./directory.server";

export interface Writes {
  organisations: { create: (OrganisationDraft & { status: "pending" })[]; update: OrganisationDraft[] };
  locations: { create: (LocationDraft & { organisationId: string })[]; update: LocationDraft[] };
  services: {
    create: { draft: ServiceDraft; organisationId: string }[];
    update: { draft: ServiceDraft; organisationId: string }[];
    // Updates to a published service: they wait as a revision for a coordinator; the published version stays.
    revise: { draft: ServiceDraft; organisationId: string }[];
  };
}

function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function write(run: Run, db: Database, writes: Writes) {
  const termId = new Map(run.fortTerms.map((t) => [`${t.taxonomy}:${t.code}`, t.localId]));
  const today = new Date().toISOString().slice(0, 10);
  await db.transaction(async (tx) => {
    // New rows go through insertMany (COPY on PostgreSQL); updates stay one statement each, as they are few.
    await insertMany(
      tx,
      s.organisations,
      writes.organisations.create.map((o) => ({
        id: o.id,
        name: o.name,
        description: o.description,
        email: o.email,
        website: o.website,
        phone: o.phone ?? null,
        charityNumber: o.charityNumber ?? null,
        status: o.status,
      })),
    );
    for (const o of writes.organisations.update) {
      await tx
        .update(s.organisations)
        .set({
          name: o.name,
          description: o.description,
          email: o.email,
          website: o.website,
          ...(o.phone !== undefined ? { phone: o.phone } : {}),
          ...(o.charityNumber !== undefined ? { charityNumber: o.charityNumber } : {}),
          updatedAt: new Date(),
        })
        .where(eq(s.organisations.id, o.id));
    }
    await insertMany(tx, s.locations, writes.locations.create as never);
    for (const { id, ...l } of writes.locations.update)
      await tx
        .update(s.locations)
        .set({ ...l, updatedAt: new Date() })
        .where(eq(s.locations.id, id));

    const serviceValues = ({ draft, organisationId }: { draft: ServiceDraft; organisationId: string }) => {
      const defined = Object.fromEntries(Object.entries(draft.fields).filter(([, v]) => v !== undefined));
      return {
        ...defined,
        organisationId,
        publication: "awaiting_approval" as const,
        source: run.options.source,
        updatedAt: draft.lastModified ?? new Date(),
      };
    };
    await insertMany(
      tx,
      s.services,
      writes.services.create.map((w) => ({ id: w.draft.id, lastCheckedOn: today, summary: w.draft.defaultSummary, ...serviceValues(w) })),
    );
    for (const w of writes.services.update)
      await tx
        .update(s.services)
        .set(serviceValues(w) as never)
        .where(eq(s.services.id, w.draft.id));

    for (const w of writes.services.revise) {
      await tx
        .update(s.serviceRevisions)
        .set({ status: "superseded" })
        .where(and(eq(s.serviceRevisions.serviceId, w.draft.id), eq(s.serviceRevisions.status, "pending")));
      const proposal: ImportedProposal = { kind: "import", source: run.options.source, organisationId: w.organisationId, draft: w.draft };
      await tx.insert(s.serviceRevisions).values({ serviceId: w.draft.id, proposed: proposal as unknown as Record<string, unknown>, submittedBy: null });
    }

    const updated = writes.services.update.map((w) => w.draft.id);
    for (const part of chunks(updated)) {
      await tx.delete(s.serviceAtLocations).where(inArray(s.serviceAtLocations.serviceId, part));
      await tx.delete(s.serviceTaxonomyTerms).where(inArray(s.serviceTaxonomyTerms.serviceId, part));
      await tx.delete(s.serviceAreas).where(inArray(s.serviceAreas.serviceId, part));
      await tx.delete(s.contacts).where(inArray(s.contacts.serviceId, part));
      await tx.delete(s.openingHours).where(inArray(s.openingHours.serviceId, part));
      await tx.delete(s.serviceLanguages).where(inArray(s.serviceLanguages.serviceId, part));
    }
    const all = [...writes.services.create, ...writes.services.update].map((w) => w.draft);
    await insertMany(
      tx,
      s.serviceAtLocations,
      all.flatMap((d) => d.locations.map((l) => ({ id: l.serviceAtLocationId, serviceId: d.id, locationId: l.location.id }))),
    );
    await insertMany(
      tx,
      s.serviceTaxonomyTerms,
      all.flatMap((d) => d.terms.map((t) => ({ serviceId: d.id, taxonomyTermId: termId.get(t)! })).filter((r) => r.taxonomyTermId)),
    );
    await insertMany(
      tx,
      s.serviceAreas,
      all.flatMap((d) => d.areas.map((a) => ({ ...a, serviceId: d.id }))),
    );
    await insertMany(
      tx,
      s.contacts,
      all.flatMap((d) => d.contacts.map((c) => ({ ...c, serviceId: d.id }))),
    );
    await insertMany(
      tx,
      s.openingHours,
      all.flatMap((d) => d.hours.map((h) => ({ ...h, serviceId: d.id }))),
    );
    await insertMany(
      tx,
      s.serviceLanguages,
      all.flatMap((d) => (d.languages ?? []).map((l, ordinal) => ({ ...l, ordinal, serviceId: d.id }))),
    );
  });
}

/** An Open Referral update to a published service, waiting for a coordinator (stored in service_revisions.proposed). */
export interface ImportedProposal {
  kind: "import";
  source: string | null;
  organisationId: string;
  draft: ServiceDraft;
}

export function isImportedProposal(value: unknown): value is ImportedProposal {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "import";
}

/** Publishes an approved import update: the service's record and its places, terms, areas, contacts, hours and languages. */
export async function applyImportedProposal(tx: Database, proposal: ImportedProposal) {
  const { draft, organisationId, source } = proposal;
  const defined = Object.fromEntries(Object.entries(draft.fields).filter(([, v]) => v !== undefined));
  await tx
    .update(s.services)
    .set({ ...defined, organisationId, source, publication: "published", updatedAt: new Date() } as never)
    .where(eq(s.services.id, draft.id));
  await tx.delete(s.serviceAtLocations).where(eq(s.serviceAtLocations.serviceId, draft.id));
  await tx.delete(s.serviceTaxonomyTerms).where(eq(s.serviceTaxonomyTerms.serviceId, draft.id));
  await tx.delete(s.serviceAreas).where(eq(s.serviceAreas.serviceId, draft.id));
  await tx.delete(s.contacts).where(eq(s.contacts.serviceId, draft.id));
  await tx.delete(s.openingHours).where(eq(s.openingHours.serviceId, draft.id));
  if (draft.languages !== undefined) await tx.delete(s.serviceLanguages).where(eq(s.serviceLanguages.serviceId, draft.id));
  const terms = await tx.select({ id: s.taxonomyTerms.id, taxonomy: s.taxonomyTerms.taxonomy, code: s.taxonomyTerms.code }).from(s.taxonomyTerms);
  const termId = new Map(terms.map((t) => [`${t.taxonomy}:${t.code}`, t.id]));
  if (draft.locations.length)
    await tx
      .insert(s.serviceAtLocations)
      .values(draft.locations.map((l) => ({ id: l.serviceAtLocationId, serviceId: draft.id, locationId: l.location.id })))
      .onConflictDoNothing();
  const termRows = draft.terms.map((t) => ({ serviceId: draft.id, taxonomyTermId: termId.get(t)! })).filter((r) => r.taxonomyTermId);
  if (termRows.length) await tx.insert(s.serviceTaxonomyTerms).values(termRows);
  if (draft.areas.length) await tx.insert(s.serviceAreas).values(draft.areas.map((a) => ({ ...a, serviceId: draft.id })));
  if (draft.contacts.length) await tx.insert(s.contacts).values(draft.contacts.map((c) => ({ ...c, serviceId: draft.id })));
  if (draft.hours.length) await tx.insert(s.openingHours).values(draft.hours.map((h) => ({ ...h, serviceId: draft.id })));
  if (draft.languages?.length) await tx.insert(s.serviceLanguages).values(draft.languages.map((l, ordinal) => ({ ...l, ordinal, serviceId: draft.id })));
}
