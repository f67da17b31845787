// Password reset by emailed link (valid one hour, once). The answer never reveals whether an account exists.
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { hashPassword } from "../auth/password.server";
import { endAllSessions } from "../auth/session.server";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { getDb } from "../db.server";
import { queueMail } from "../mail/mail.server";
import { LINK_REQUESTS_PER_IP, type SIGN_IN_PER_ACCOUNT, retryMessage, takeAttempt } from "../security/rate-limit.server";
import { createToken, hashToken } from "./tokens.server";

export const RESET_MINUTES = 60;

export async function requestPasswordReset(email: string, ip: string): Promise<{ ok: true } | { ok: false; message: string; retryAfterSeconds: number }> {
  const normalised = email.trim().toLowerCase();
  const keys: [string, typeof SIGN_IN_PER_ACCOUNT][] = [
    [`reset:ip:${ip}`, LINK_REQUESTS_PER_IP],
    [`reset:account:${normalised}`, { ...LINK_REQUESTS_PER_IP, limit: 3 }],
  ];
  // Every request counts, found or not, so the limit cannot be used to probe for accounts; check and count are one step.
  const decision = await takeAttempt(keys);
  if (!decision.allowed) return { ok: false, message: retryMessage(decision.retryAfterSeconds), retryAfterSeconds: decision.retryAfterSeconds };

  const db = await getDb();
  const [user] = await db
    .select({ id: s.users.id, name: s.users.name, email: s.users.email })
    .from(s.users)
    .where(and(eq(sql`lower(${s.users.email})`, normalised), eq(s.users.active, true)));
  if (!user) return { ok: true };
  const { token, hash } = createToken();
  await db.transaction(async (tx) => {
    await tx.insert(s.passwordResets).values({ tokenHash: hash, userId: user.id, expiresAt: new Date(clock.now().getTime() + RESET_MINUTES * 60_000) });
    await queueMail(
      {
        to: user.email,
        subject: "Reset your FORT password",
        text: [
          `Hello ${user.name},`,
          "",
          "Someone (we hope you) asked to reset your FORT password. Choose a new one here:",
          `${config().APP_URL}/reset-password/${token}`,
          "",
          `This link works once and expires in ${RESET_MINUTES} minutes. If you did not ask for it, ignore this email: your password has not changed.`,
        ].join("\n"),
      },
      tx,
    );
    await audit({ actorId: user.id, action: "password_reset_requested", subjectType: "user", subjectId: user.id, ip }, tx);
  });
  return { ok: true };
}

function validReset(token: string) {
  return and(eq(s.passwordResets.tokenHash, hashToken(token)), isNull(s.passwordResets.usedAt), gt(s.passwordResets.expiresAt, clock.now()));
}

export async function isResetTokenValid(token: string) {
  const db = await getDb();
  const [row] = await db.select({ userId: s.passwordResets.userId }).from(s.passwordResets).where(validReset(token));
  return Boolean(row);
}

/** Sets the new password and signs the person out everywhere; returns the user id, or null for a dead link. */
export async function resetPassword(token: string, password: string, ip: string): Promise<string | null> {
  const db = await getDb();
  const passwordHash = await hashPassword(password);
  const userId = await db.transaction(async (tx) => {
    const [row] = await tx.select({ userId: s.passwordResets.userId }).from(s.passwordResets).where(validReset(token)).for("update");
    if (!row) return null;
    await tx.update(s.users).set({ passwordHash }).where(eq(s.users.id, row.userId));
    await tx.update(s.passwordResets).set({ usedAt: clock.now() }).where(eq(s.passwordResets.userId, row.userId));
    await audit({ actorId: row.userId, action: "password_reset", subjectType: "user", subjectId: row.userId, ip }, tx);
    return row.userId;
  });
  if (userId) await endAllSessions(userId);
  return userId;
}
