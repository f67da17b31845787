// Writing one decided batch of an import in one transaction (docs/decisions/0007).
import { and, eq, inArray } from "drizzle-orm";
import * as s from "../../db/schema";
import type { Database } from "../db.server";
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
    for (const part of chunks(writes.organisations.create)) {
      await tx.insert(s.organisations).values(
        part.map((o) => ({
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
    }
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
    for (const part of chunks(writes.locations.create)) await tx.insert(s.locations).values(part);
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
    for (const part of chunks(writes.services.create, 500)) {
      await tx
        .insert(s.services)
        .values(part.map((w) => ({ id: w.draft.id, lastCheckedOn: today, summary: w.draft.defaultSummary, ...serviceValues(w) })) as never);
    }
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
    const insertAll = async <T>(table: Parameters<typeof tx.insert>[0], rows: T[]) => {
      await Promise.all(chunks(rows, 1000).map((part) => (part.length ? tx.insert(table).values(part as never) : null)));
    };
    // The rows hanging off the services do not depend on each other: sent together (postgres.js pipelines them on
    // the transaction's connection; PGlite runs them in turn).
    await Promise.all([
      insertAll(
        s.serviceAtLocations,
        all.flatMap((d) => d.locations.map((l) => ({ id: l.serviceAtLocationId, serviceId: d.id, locationId: l.location.id }))),
      ),
      insertAll(
        s.serviceTaxonomyTerms,
        all.flatMap((d) => d.terms.map((t) => ({ serviceId: d.id, taxonomyTermId: termId.get(t)! })).filter((r) => r.taxonomyTermId)),
      ),
      insertAll(
        s.serviceAreas,
        all.flatMap((d) => d.areas.map((a) => ({ ...a, serviceId: d.id }))),
      ),
      insertAll(
        s.contacts,
        all.flatMap((d) => d.contacts.map((c) => ({ ...c, serviceId: d.id }))),
      ),
      insertAll(
        s.openingHours,
        all.flatMap((d) => d.hours.map((h) => ({ ...h, serviceId: d.id }))),
      ),
      insertAll(
        s.serviceLanguages,
        all.flatMap((d) => (d.languages ?? []).map((l, ordinal) => ({ ...l, ordinal, serviceId: d.id }))),
      ),
    ]);
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
