import { and, eq, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { hashPassword, verifyPassword } from "../auth/password.server";
import { getDb } from "../db.server";
import { SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_IP, clearFailures, releaseAttempt, retryMessage, takeAttempt } from "../security/rate-limit.server";

export const SIGN_IN_FAILED = "The email address or password is not right. Check them and try again.";

// Verifying against a real hash when the email is unknown keeps both answers equally slow.
let decoyHash: Promise<string> | undefined;

export type SignInResult = { ok: true; userId: string } | { ok: false; message: string; retryAfterSeconds?: number };

export async function authenticate(email: string, password: string, ip: string): Promise<SignInResult> {
  const normalised = email.trim().toLowerCase();
  // Per account (slows guessing at one account from anywhere) and per client address (slows one client guessing
  // at many accounts). The address is the socket's unless TRUST_PROXY says otherwise, so one client's failures
  // never slow another's sign-in (issue 12).
  const keys: [string, typeof SIGN_IN_PER_ACCOUNT][] = [
    [`signin:account:${normalised}`, SIGN_IN_PER_ACCOUNT],
    [`signin:ip:${ip}`, SIGN_IN_PER_IP],
  ];
  // Counted before the password is checked, atomically with the check: parallel guesses cannot overtake the limit.
  const decision = await takeAttempt(keys);
  if (!decision.allowed) return { ok: false, message: retryMessage(decision.retryAfterSeconds), retryAfterSeconds: decision.retryAfterSeconds };

  const db = await getDb();
  const [user] = await db
    .select({ id: s.users.id, passwordHash: s.users.passwordHash })
    .from(s.users)
    .where(and(eq(sql`lower(${s.users.email})`, normalised), eq(s.users.active, true)));
  decoyHash ??= hashPassword("decoy password for timing");
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyHash), password);
  if (!user || !user.passwordHash || !valid) {
    await audit({ actorId: user?.id ?? null, action: "sign_in_failed", ip, details: { email: normalised } });
    return { ok: false, message: SIGN_IN_FAILED };
  }
  await clearFailures(keys[0]![0]);
  if (decision.at) await releaseAttempt(keys[1]![0], decision.at);
  await audit({ actorId: user.id, action: "sign_in", subjectType: "user", subjectId: user.id, ip });
  return { ok: true, userId: user.id };
}
