// Organisations: registered by anyone (pending), created or approved by coordinators; admins manage their staff.
// Every function acting for someone takes the actor first and checks it against the policy; refusals are thrown.
import { and, asc, count, eq, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { assertMay, mayAdministerOrganisation } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { getDb } from "../db.server";
import { Conflict, Forbidden, NotFound, Refused } from "../domain/errors";
import { inviteUser } from "../users/invitations.server";

export interface OrganisationInput {
  name: string;
  description: string;
  website?: string | null;
  email: string;
  phone?: string | null;
  intakeEmail?: string | null;
}

export async function listOrganisations(actor: CurrentUser) {
  assertMay(actor, "organisations.list");
  const db = await getDb();
  return db
    .select({
      id: s.organisations.id,
      name: s.organisations.name,
      status: s.organisations.status,
      email: s.organisations.email,
      services: sql<number>`(select count(*)::int from ${s.services} sv where sv.organisation_id = ${s.organisations.id})`,
      members: sql<number>`(select count(*)::int from ${s.memberships} m where m.organisation_id = ${s.organisations.id})`,
    })
    .from(s.organisations)
    .orderBy(sql`${s.organisations.status} = 'approved'`, asc(s.organisations.name));
}

export async function listApprovedOrganisations() {
  const db = await getDb();
  return db
    .select({ id: s.organisations.id, name: s.organisations.name })
    .from(s.organisations)
    .where(eq(s.organisations.status, "approved"))
    .orderBy(asc(s.organisations.name));
}

async function nameTaken(name: string) {
  const db = await getDb();
  const [row] = await db
    .select({ n: count() })
    .from(s.organisations)
    .where(eq(sql`lower(${s.organisations.name})`, name.trim().toLowerCase()));
  return (row?.n ?? 0) > 0;
}

export type OrganisationResult = { id: string };

/** A coordinator adds an organisation directly: it is approved at once. A taken name is refused on its field. */
export async function createOrganisation(actor: CurrentUser, input: OrganisationInput, ip: string): Promise<OrganisationResult> {
  assertMay(actor, "organisations.create");
  if (await nameTaken(input.name)) throw Refused.field("name", "An organisation with this name is already on FORT");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [org] = await tx
      .insert(s.organisations)
      .values({ ...input, name: input.name.trim(), status: "approved" })
      .returning({ id: s.organisations.id });
    await audit({ actorId: actor.id, action: "organisation_created", subjectType: "organisation", subjectId: org!.id, ip }, tx);
    return { id: org!.id };
  });
}

/** Anyone may ask for their organisation to be listed; it waits for a coordinator. */
export async function registerOrganisation(input: OrganisationInput & { contactName: string }, ip: string): Promise<OrganisationResult> {
  if (await nameTaken(input.name)) throw Refused.field("name", "An organisation with this name is already on FORT or waiting for approval");
  const db = await getDb();
  const { contactName, ...org } = input;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(s.organisations)
      .values({ ...org, name: org.name.trim(), status: "pending", description: `${org.description}`.trim() })
      .returning({ id: s.organisations.id });
    await audit(
      {
        actorId: null,
        action: "organisation_created",
        subjectType: "organisation",
        subjectId: row!.id,
        ip,
        details: { registeredBy: contactName, pending: true },
      },
      tx,
    );
    return { id: row!.id };
  });
}

export async function pendingOrganisations(actor: CurrentUser) {
  assertMay(actor, "organisations.approve");
  const db = await getDb();
  return db
    .select({
      id: s.organisations.id,
      name: s.organisations.name,
      description: s.organisations.description,
      email: s.organisations.email,
      createdAt: s.organisations.createdAt,
    })
    .from(s.organisations)
    .where(eq(s.organisations.status, "pending"))
    .orderBy(asc(s.organisations.createdAt));
}

/** Approves a pending organisation and invites its contact as the organisation's first admin. */
export async function approveOrganisation(actor: CurrentUser, organisationId: string, contactName: string, ip: string): Promise<{ ok: true; message: string }> {
  assertMay(actor, "organisations.approve");
  const db = await getDb();
  const [org] = await db
    .update(s.organisations)
    .set({ status: "approved", updatedAt: sql`now()` })
    .where(and(eq(s.organisations.id, organisationId), eq(s.organisations.status, "pending")))
    .returning({ id: s.organisations.id, name: s.organisations.name, email: s.organisations.email });
  if (!org) throw new Conflict("That organisation is not waiting for approval.");
  await audit({ actorId: actor.id, action: "organisation_approved", subjectType: "organisation", subjectId: org.id, ip });
  if (org.email) await inviteUser(actor, { email: org.email, name: contactName || org.name, role: "provider", organisationId: org.id, isAdmin: true }, ip);
  return { ok: true as const, message: `${org.name} is approved${org.email ? ` and ${org.email} has been invited as its admin` : ""}.` };
}

/** Staff of an organisation, for its admins and coordinators only. */
export async function organisationMembers(actor: CurrentUser, organisationId: string) {
  if (!mayAdministerOrganisation(actor, organisationId)) throw new NotFound("We could not find that organisation, or you do not administer it.");
  const db = await getDb();
  return db
    .select({ id: s.users.id, name: s.users.name, email: s.users.email, isAdmin: s.memberships.isAdmin, active: s.users.active })
    .from(s.memberships)
    .innerJoin(s.users, eq(s.users.id, s.memberships.userId))
    .where(eq(s.memberships.organisationId, organisationId))
    .orderBy(asc(s.users.name));
}

export async function removeMember(actor: CurrentUser, organisationId: string, userId: string, ip: string): Promise<{ ok: true; message: string }> {
  if (!mayAdministerOrganisation(actor, organisationId)) throw new Forbidden("You do not administer this organisation.");
  if (actor.id === userId) throw new Refused("You cannot remove yourself; ask another admin or a coordinator.");
  const db = await getDb();
  const removed = await db
    .delete(s.memberships)
    .where(and(eq(s.memberships.organisationId, organisationId), eq(s.memberships.userId, userId)))
    .returning({ userId: s.memberships.userId });
  if (removed.length === 0) throw new NotFound("That person is not a member of this organisation.");
  await audit({ actorId: actor.id, action: "role_changed", subjectType: "user", subjectId: userId, ip, details: { removedFrom: organisationId } });
  return { ok: true as const, message: "They no longer have access to this organisation." };
}
