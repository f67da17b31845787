// Coordinators (any role) and organisation admins (their own organisation's staff) invite people by email.
// The link expires after a week and works once.
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { hashPassword } from "../auth/password.server";
import { mayAdministerOrganisation } from "../auth/policy.server";
import type { CurrentUser, Role } from "../auth/session.server";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { getDb } from "../db.server";
import { queueMail } from "../mail/mail.server";
import { createToken, hashToken } from "./tokens.server";

export const INVITATION_DAYS = 7;

export interface InvitationInput {
  email: string;
  name: string;
  role: Role;
  organisationId?: string | null;
  isAdmin?: boolean;
  teamId?: string | null;
}

export type InviteResult = { ok: true } | { ok: false; field: keyof InvitationInput | "form"; message: string };

export async function inviteUser(actor: CurrentUser, input: InvitationInput, ip: string): Promise<InviteResult> {
  const byCoordinator = actor.role === "coordinator";
  if (!byCoordinator) {
    // Organisation admins may only invite provider staff to their own organisation.
    if (input.role !== "provider" || !input.organisationId || !mayAdministerOrganisation(actor, input.organisationId)) {
      return { ok: false, field: "form", message: "You can only invite staff to an organisation you administer." };
    }
  }
  if (input.role === "provider" && !input.organisationId)
    return { ok: false, field: "organisationId", message: "Choose the organisation this person works for" };
  if (input.role === "referrer" && !input.teamId) return { ok: false, field: "teamId", message: "Choose the team this person belongs to" };

  const db = await getDb();
  const email = input.email.trim().toLowerCase();
  const [existing] = await db
    .select({ id: s.users.id })
    .from(s.users)
    .where(eq(sql`lower(${s.users.email})`, email));
  if (existing && byCoordinator) return { ok: false, field: "email", message: "Someone with this email address already has an account" };
  if (existing) {
    // An organisation admin gets the same answer whether or not the address has an account, so the form cannot be
    // used to find out who uses FORT (issue 12). The person is told instead, and a coordinator can add them.
    await db.transaction(async (tx) => {
      await queueMail(
        {
          to: email,
          subject: "Someone tried to invite you to FORT",
          text: [
            `Hello,`,
            "",
            `${actor.name} tried to invite you to work for an organisation on FORT, but you already have a FORT account.`,
            "If you should be added to their organisation, ask them to contact a FORT coordinator. If you were not expecting this, you can ignore this email.",
          ].join("\n"),
        },
        tx,
      );
      await audit(
        { actorId: actor.id, action: "invitation_to_existing_account", subjectType: "user", subjectId: existing.id, ip, details: { role: input.role } },
        tx,
      );
    });
    return { ok: true };
  }

  const { token, hash } = createToken();
  await db.transaction(async (tx) => {
    const [invitation] = await tx
      .insert(s.invitations)
      .values({
        tokenHash: hash,
        email,
        name: input.name.trim(),
        role: input.role,
        organisationId: input.role === "provider" ? input.organisationId : null,
        isAdmin: input.role === "provider" ? Boolean(input.isAdmin) : false,
        teamId: input.role === "referrer" ? input.teamId : null,
        invitedBy: actor.id,
        expiresAt: new Date(clock.now().getTime() + INVITATION_DAYS * 86_400_000),
      })
      .returning({ id: s.invitations.id });
    await queueMail(
      {
        to: email,
        subject: "You have been invited to FORT",
        text: [
          `Hello ${input.name.trim()},`,
          "",
          `${actor.name} has invited you to FORT, the family support directory and referral service.`,
          "",
          "Choose your password here to set up your account:",
          `${config().APP_URL}/invitation/${token}`,
          "",
          `This link works once and expires in ${INVITATION_DAYS} days. If you were not expecting it, you can ignore this email.`,
        ].join("\n"),
      },
      tx,
    );
    await audit(
      { actorId: actor.id, action: "invitation_sent", subjectType: "invitation", subjectId: invitation!.id, ip, details: { email, role: input.role } },
      tx,
    );
  });
  return { ok: true };
}

function validInvitation(tokenHash: string) {
  return and(eq(s.invitations.tokenHash, tokenHash), isNull(s.invitations.usedAt), gt(s.invitations.expiresAt, clock.now()));
}

export async function findInvitation(token: string) {
  const db = await getDb();
  const [invitation] = await db
    .select({ email: s.invitations.email, name: s.invitations.name, role: s.invitations.role, organisationName: s.organisations.name })
    .from(s.invitations)
    .leftJoin(s.organisations, eq(s.organisations.id, s.invitations.organisationId))
    .where(validInvitation(hashToken(token)));
  return invitation ?? null;
}

/** Creates the account from a valid invitation; returns the new user's id, or null if the link is no longer valid. */
export async function acceptInvitation(token: string, password: string, ip: string): Promise<string | null> {
  const db = await getDb();
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [invitation] = await tx
      .select()
      .from(s.invitations)
      .where(validInvitation(hashToken(token)))
      .for("update");
    if (!invitation) return null;
    const [taken] = await tx
      .select({ id: s.users.id })
      .from(s.users)
      .where(eq(sql`lower(${s.users.email})`, invitation.email));
    if (taken) return null;
    const [user] = await tx
      .insert(s.users)
      .values({ email: invitation.email, name: invitation.name, role: invitation.role, passwordHash, teamId: invitation.teamId })
      .returning({ id: s.users.id });
    if (invitation.organisationId) {
      await tx.insert(s.memberships).values({ userId: user!.id, organisationId: invitation.organisationId, isAdmin: invitation.isAdmin });
    }
    await tx.update(s.invitations).set({ usedAt: clock.now() }).where(eq(s.invitations.id, invitation.id));
    await audit({ actorId: user!.id, action: "invitation_accepted", subjectType: "user", subjectId: user!.id, ip }, tx);
    return user!.id;
  });
}
