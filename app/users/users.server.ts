// Coordinators' management of people: list, deactivate (sessions end at once), reactivate, change role.
// Each function takes the acting user first and checks it against the policy; refusals are thrown.
import { asc, eq, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { endAllSessions, type CurrentUser, type Role } from "../auth/session.server";
import { clock } from "../clock.server";
import { getDb } from "../db.server";
import { assertMay, assertMayManageUser } from "../auth/policy.server";
import { NotFound } from "../domain/errors";

export async function listUsers(actor: CurrentUser) {
  assertMay(actor, "users.manage");
  const db = await getDb();
  return db
    .select({
      id: s.users.id,
      name: s.users.name,
      email: s.users.email,
      role: s.users.role,
      active: s.users.active,
      teamName: s.teams.name,
      organisations: sql<
        string[]
      >`array(select o.name from ${s.memberships} m join ${s.organisations} o on o.id = m.organisation_id where m.user_id = ${s.users.id} order by o.name)`,
    })
    .from(s.users)
    .leftJoin(s.teams, eq(s.teams.id, s.users.teamId))
    .orderBy(asc(s.users.name));
}

export async function listTeams() {
  const db = await getDb();
  return db.select({ id: s.teams.id, name: s.teams.name }).from(s.teams).orderBy(asc(s.teams.name));
}

/** What the change did, for the coordinator's notice; a refusal is thrown (Forbidden, Refused, NotFound). */
export type UserChangeResult = { ok: true; message: string };

export async function setUserActive(actor: CurrentUser, userId: string, active: boolean, ip: string): Promise<UserChangeResult> {
  assertMayManageUser(actor, userId, "access");
  const db = await getDb();
  const [user] = await db
    .update(s.users)
    .set({ active, deactivatedAt: active ? null : clock.now() })
    .where(eq(s.users.id, userId))
    .returning({ id: s.users.id, name: s.users.name });
  if (!user) throw new NotFound("That person no longer exists.");
  if (!active) await endAllSessions(userId);
  await audit({ actorId: actor.id, action: active ? "user_reactivated" : "user_deactivated", subjectType: "user", subjectId: userId, ip });
  return { ok: true, message: active ? `${user.name} can sign in again.` : `${user.name} has been deactivated and signed out everywhere.` };
}

export async function changeRole(actor: CurrentUser, userId: string, role: Role, ip: string): Promise<UserChangeResult> {
  assertMayManageUser(actor, userId, "role");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ role: s.users.role, name: s.users.name }).from(s.users).where(eq(s.users.id, userId)).for("update");
    if (!before) throw new NotFound("That person no longer exists.");
    if (before.role === role) return { ok: true as const, message: `${before.name} is already a ${role}.` };
    await tx.update(s.users).set({ role }).where(eq(s.users.id, userId));
    // Memberships only make sense for providers; a former provider keeps none.
    if (role !== "provider") await tx.delete(s.memberships).where(eq(s.memberships.userId, userId));
    await audit({ actorId: actor.id, action: "role_changed", subjectType: "user", subjectId: userId, ip, details: { from: before.role, to: role } }, tx);
    return { ok: true as const, message: `${before.name} is now a ${role}.` };
  });
}
