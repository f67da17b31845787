// Who is on a referral and what they leave behind: references, the access log, coordinators' reasoned access.
// Who may see which referral is the policy's (app/auth/policy.server.ts: referralScope, partyOf); this module
// applies it to referral reads that are not lists.
import { randomBytes } from "node:crypto";
import { and, eq, gt, ne } from "drizzle-orm";
import * as s from "../../db/schema";
import { type Actor, may, referralScope } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { type Database, getDb } from "../db.server";
import { isUuid } from "../directory/services.server";
import { ReferralNotFound } from "./errors";

const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export function newReference() {
  const bytes = randomBytes(8);
  const chars = Array.from(bytes, (b) => REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length]);
  return `FR-${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
}

export function actorLabel(actor: Actor) {
  return actor.kind === "family" ? "The family" : actor.user.name;
}

export const actorUserId = (actor: Actor) => (actor.kind === "user" ? actor.user.id : null);

export type AccessKind = "viewed" | "changed" | "opened_with_reason" | "family_viewed" | "family_changed";

export async function logAccess(entry: { referralId: string; userId: string | null; kind: AccessKind; reason?: string; ip?: string }, tx?: Database) {
  const db = tx ?? (await getDb());
  await db.insert(s.referralAccessLog).values({ ...entry, at: clock.now() });
}

/** Logs a change by this actor (a user or the family). */
export function logChange(actor: Actor, referralId: string, tx: Database) {
  return logAccess({ referralId, userId: actorUserId(actor), kind: actor.kind === "family" ? "family_changed" : "changed", ip: actor.ip }, tx);
}

/** Whether the referral exists for this user at all; actions check it before reading their input. */
export async function canSeeReferral(user: CurrentUser, referralId: string): Promise<boolean> {
  if (!isUuid(referralId)) return false;
  const db = await getDb();
  const [row] = await db
    .select({ id: s.referrals.id })
    .from(s.referrals)
    .where(and(eq(s.referrals.id, referralId), referralScope(user)));
  return Boolean(row);
}

const COORDINATOR_GRANT_MINUTES = 60;

/** Whether a coordinator gave a reason to open this referral's personal details within the last hour. */
export async function coordinatorHasGrant(userId: string, referralId: string) {
  const db = await getDb();
  const since = new Date(clock.now().getTime() - COORDINATOR_GRANT_MINUTES * 60_000);
  const [grant] = await db
    .select({ id: s.referralAccessLog.id })
    .from(s.referralAccessLog)
    .where(
      and(
        eq(s.referralAccessLog.referralId, referralId),
        eq(s.referralAccessLog.userId, userId),
        eq(s.referralAccessLog.kind, "opened_with_reason"),
        gt(s.referralAccessLog.at, since),
      ),
    )
    .limit(1);
  return Boolean(grant);
}

/** A coordinator opens the personal details for a stated reason; the reason is kept in the access log. */
export async function openDetailsWithReason(user: CurrentUser, referralId: string, reason: string, ip?: string) {
  // Not a coordinator: the same answer as a referral that does not exist.
  if (!isUuid(referralId) || !may(user, "referrals.openWithReason")) throw new ReferralNotFound();
  const db = await getDb();
  const [row] = await db
    .select({ id: s.referrals.id })
    .from(s.referrals)
    .where(and(eq(s.referrals.id, referralId), ne(s.referrals.state, "draft")));
  if (!row) throw new ReferralNotFound();
  await logAccess({ referralId, userId: user.id, kind: "opened_with_reason", reason, ip });
}
