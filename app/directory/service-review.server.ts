// Coordinators review and decide providers' proposed changes and imported records.
import { and, asc, eq, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { assertMay } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { getDb } from "../db.server";
import { queueMail } from "../mail/mail.server";
import { config } from "../config.server";
import { Conflict, NotFound } from "../domain/errors";
import { type ImportedProposal, applyImportedProposal, isImportedProposal } from "../openreferral/import-write.server";
import { clearMapCache } from "./map-cache.server";
import { LANGUAGES, withCurrent } from "./languages";
import { areaChoices } from "./service-areas.server";
import { applyForm, mergeTouched } from "./service-apply.server";
import { type DiffNames, diffServiceForms } from "./service-diff";
import type { ServiceForm } from "./service-form";
import { type StoredProposal, areaKey, currentForm, getServiceForEditing, today, withoutBase } from "./service-reading.server";
import type { CategoryCode, ShanarriCode } from "./taxonomy";

/** What a decision did, for the coordinator's notice; a refusal is thrown (Forbidden, Conflict). */
export type DecisionResult = { ok: true; message: string };

export async function pendingServiceRevisions(coordinator: CurrentUser) {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  return db
    .select({
      id: s.serviceRevisions.id,
      serviceId: s.serviceRevisions.serviceId,
      serviceName: s.services.name,
      proposedName: sql<string>`coalesce(${s.serviceRevisions.proposed}->>'name', ${s.serviceRevisions.proposed}->'draft'->'fields'->>'name')`,
      fromImport: sql<boolean>`coalesce(${s.serviceRevisions.proposed}->>'kind' = 'import', false)`,
      organisationName: s.organisations.name,
      isNew: sql<boolean>`${s.services.publication} <> 'published'`,
      submittedAt: s.serviceRevisions.submittedAt,
      submittedBy: s.users.name,
    })
    .from(s.serviceRevisions)
    .innerJoin(s.services, eq(s.services.id, s.serviceRevisions.serviceId))
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .leftJoin(s.users, eq(s.users.id, s.serviceRevisions.submittedBy))
    .where(eq(s.serviceRevisions.status, "pending"))
    .orderBy(asc(s.serviceRevisions.submittedAt));
}

/** Services waiting for approval with no proposed revision: records brought in by an Open Referral import. */
export async function importedServicesAwaitingApproval(coordinator: CurrentUser) {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  return db
    .select({ id: s.services.id, name: s.services.name, organisationName: s.organisations.name, source: s.services.source, updatedAt: s.services.updatedAt })
    .from(s.services)
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .where(
      and(
        eq(s.services.publication, "awaiting_approval"),
        sql`not exists (select 1 from ${s.serviceRevisions} r where r.service_id = ${s.services.id} and r.status = 'pending')`,
      ),
    )
    .orderBy(asc(s.services.updatedAt));
}

/** Publishes an imported service as it is, or sends it back to draft. */
export async function decideImportedService(coordinator: CurrentUser, serviceId: string, decision: "approve" | "reject", ip: string): Promise<DecisionResult> {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [service] = await tx
      .update(s.services)
      .set(
        decision === "approve"
          ? { publication: "published", lastCheckedOn: today(), updatedAt: clock.now() }
          : { publication: "draft", updatedAt: clock.now() },
      )
      .where(and(eq(s.services.id, serviceId), eq(s.services.publication, "awaiting_approval")))
      .returning({ name: s.services.name });
    if (!service) throw new Conflict("This service is no longer waiting for approval.");
    clearMapCache();
    await audit(
      { actorId: coordinator.id, action: "service_approved", subjectType: "service", subjectId: serviceId, ip, details: { decision, imported: true } },
      tx,
    );
    return { ok: true as const, message: decision === "approve" ? `${service.name} is published.` : `${service.name} was set back to draft.` };
  });
}

/** A pending revision beside the service's current record, with every change it would make, for the coordinator. */
export async function revisionForReview(coordinator: CurrentUser, revisionId: string) {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  const [revision] = await db
    .select({
      id: s.serviceRevisions.id,
      serviceId: s.serviceRevisions.serviceId,
      status: s.serviceRevisions.status,
      submittedAt: s.serviceRevisions.submittedAt,
      submittedBy: s.users.name,
      proposed: s.serviceRevisions.proposed,
    })
    .from(s.serviceRevisions)
    .leftJoin(s.users, eq(s.users.id, s.serviceRevisions.submittedBy))
    .where(eq(s.serviceRevisions.id, revisionId));
  if (!revision) throw new NotFound("That change could not be found.");
  const editing = await getServiceForEditing(coordinator, revision.serviceId);
  if (!editing) throw new NotFound("That change could not be found.");
  const isNew = editing.service.publication !== "published";
  const fromImport = isImportedProposal(revision.proposed);
  let outcome: ServiceForm;
  if (isImportedProposal(revision.proposed)) {
    outcome = formFromImport(revision.proposed.draft, editing.current);
  } else {
    const stored = revision.proposed as unknown as StoredProposal;
    const proposed = withoutBase(stored);
    // What approving would publish: the current record with the provider's changes laid over it.
    outcome = isNew || !stored.base ? proposed : mergeTouched(editing.current, stored.base, proposed);
  }
  const names: DiffNames = {
    locations: Object.fromEntries(editing.locations.map((l) => [l.id, `${l.name}, ${l.postcode}`])),
    areas: Object.fromEntries(editing.areaChoices.map((a) => [a.code, a.name])),
    languages: Object.fromEntries(editing.languageChoices.map((l) => [l.code, l.name])),
  };
  const { proposed: _raw, ...summary } = revision;
  return { revision: summary, service: editing.service, isNew, fromImport, diff: diffServiceForms(isNew ? null : editing.current, outcome, names) };
}

/** An imported record as the form would hold it, so it can be compared with the published one field by field. */
function formFromImport(draft: ImportedProposal["draft"], current: ServiceForm): ServiceForm {
  const f = draft.fields;
  const pick = <K extends keyof ServiceForm>(key: K, value: ServiceForm[K] | undefined): ServiceForm[K] => (value === undefined ? current[key] : value);
  const week = Array.from({ length: 7 }, () => ({}) as { opens?: string; closes?: string });
  for (const h of draft.hours) if (!week[h.weekday - 1]!.opens) week[h.weekday - 1] = { opens: h.opensAt.slice(0, 5), closes: h.closesAt.slice(0, 5) };
  const codes = (taxonomy: string) => draft.terms.filter((t) => t.startsWith(`${taxonomy}:`)).map((t) => t.slice(taxonomy.length + 1));
  return {
    name: f.name,
    summary: f.summary ?? current.summary,
    description: f.description,
    minAge: f.minAge,
    maxAge: f.maxAge,
    eligibilityCriteria: pick("eligibilityCriteria", f.eligibilityCriteria),
    acceptsProfessionalReferrals: pick("acceptsProfessionalReferrals", f.acceptsProfessionalReferrals),
    acceptsSelfReferrals: pick("acceptsSelfReferrals", f.acceptsSelfReferrals),
    status: f.status,
    isFree: pick("isFree", f.isFree),
    costDescription: pick("costDescription", f.costDescription),
    url: f.url,
    email: f.email,
    phone: pick("phone", f.phone),
    shanarri: codes("shanarri") as ShanarriCode[],
    categories: codes("category") as CategoryCode[],
    locations: draft.locations.map((l) => ({
      locationId: l.location.id,
      accessibility: l.location.accessibility as ServiceForm["locations"][number]["accessibility"],
      hours: week,
    })),
    areas: draft.areas.map(areaKey),
    languages: draft.languages ? draft.languages.map((l) => l.code) : current.languages,
  };
}

export async function decideRevision(
  coordinator: CurrentUser,
  revisionId: string,
  decision: "approve" | "reject",
  note: string | null,
  ip: string,
): Promise<DecisionResult> {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [revision] = await tx
      .select({
        id: s.serviceRevisions.id,
        serviceId: s.serviceRevisions.serviceId,
        proposed: s.serviceRevisions.proposed,
        status: s.serviceRevisions.status,
        submittedBy: s.serviceRevisions.submittedBy,
      })
      .from(s.serviceRevisions)
      .where(eq(s.serviceRevisions.id, revisionId))
      .for("update");
    if (!revision || revision.status !== "pending") throw new Conflict("This change has already been decided or replaced by a newer one.");
    // Whichever kind of proposal: the revision's outcome and the audit row, in this transaction.
    const recordDecision = async (details: Record<string, unknown> = {}) => {
      await tx
        .update(s.serviceRevisions)
        .set({ status: decision === "approve" ? "approved" : "rejected", decidedBy: coordinator.id, decidedAt: clock.now(), decisionNote: note })
        .where(eq(s.serviceRevisions.id, revisionId));
      await audit(
        {
          actorId: coordinator.id,
          action: "service_approved",
          subjectType: "service",
          subjectId: revision.serviceId,
          ip,
          details: { revisionId, decision, note, ...details },
        },
        tx,
      );
    };
    if (isImportedProposal(revision.proposed)) {
      const imported = revision.proposed;
      if (decision === "approve") {
        await applyImportedProposal(tx, imported);
        clearMapCache();
      }
      await recordDecision({ imported: true });
      const name = imported.draft.fields.name;
      return {
        ok: true as const,
        message:
          decision === "approve"
            ? `${name} is published with the imported details.`
            : `The imported update to ${name} was set aside; the published version stays.`,
      };
    }
    const stored = revision.proposed as unknown as StoredProposal;
    const form = withoutBase(stored);
    if (decision === "approve") {
      const [row] = await tx.select().from(s.services).where(eq(s.services.id, revision.serviceId)).for("update");
      const now = await currentForm(tx, revision.serviceId, row!);
      const outcome = row!.publication === "published" && stored.base ? mergeTouched(now.form, stored.base, form) : form;
      await applyForm(
        tx,
        revision.serviceId,
        outcome,
        now.form,
        { areas: withCurrent(areaChoices(), now.areas), languages: withCurrent(LANGUAGES, now.languages) },
        coordinator.id,
        ip,
      );
      clearMapCache();
    }
    await recordDecision();
    if (revision.submittedBy) {
      const [submitter] = await tx.select({ email: s.users.email, name: s.users.name }).from(s.users).where(eq(s.users.id, revision.submittedBy));
      if (submitter) {
        await queueMail(
          {
            to: submitter.email,
            subject: decision === "approve" ? `Your changes to ${form.name} are live on FORT` : `Your changes to ${form.name} need another look`,
            text: [
              `Hello ${submitter.name},`,
              "",
              decision === "approve"
                ? `A FORT coordinator approved your changes to ${form.name}. Families and professionals now see them.`
                : `A FORT coordinator did not approve your changes to ${form.name}.`,
              note ? `\nTheir note: ${note}` : "",
              "",
              `${config().APP_URL}/provider/services/${revision.serviceId}`,
            ].join("\n"),
          },
          tx,
        );
      }
    }
    return {
      ok: true as const,
      message: decision === "approve" ? `${form.name} is published with the new details.` : `The change to ${form.name} was sent back to its provider.`,
    };
  });
}
