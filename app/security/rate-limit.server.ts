// Slows, then refuses, repeated failed attempts (sign-in, password reset, invitations), per account and per IP.
// Attempts live in PostgreSQL so every app server sees the same counts.
import { and, asc, eq, gt, inArray, lt } from "drizzle-orm";
import * as s from "../../db/schema";
import { clock } from "../clock.server";
import { getDb } from "../db.server";

export interface RateRule {
  /** Failures allowed within the window before the key is refused until the window passes. */
  limit: number;
  windowMs: number;
  /** After this many failures each further attempt must wait baseDelayMs × 2^(n − slowAfter). */
  slowAfter: number;
  baseDelayMs: number;
}

export const SIGN_IN_PER_ACCOUNT: RateRule = { limit: 10, windowMs: 15 * 60_000, slowAfter: 3, baseDelayMs: 5_000 };
export const SIGN_IN_PER_IP: RateRule = { limit: 50, windowMs: 15 * 60_000, slowAfter: 20, baseDelayMs: 2_000 };
export const LINK_REQUESTS_PER_IP: RateRule = { limit: 10, windowMs: 60 * 60_000, slowAfter: 5, baseDelayMs: 10_000 };

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export async function checkRate(key: string, rule: RateRule): Promise<RateDecision> {
  const db = await getDb();
  const now = clock.now();
  const since = new Date(now.getTime() - rule.windowMs);
  const attempts = await db
    .select({ at: s.rateLimitAttempts.at })
    .from(s.rateLimitAttempts)
    .where(and(eq(s.rateLimitAttempts.key, key), gt(s.rateLimitAttempts.at, since)))
    .orderBy(asc(s.rateLimitAttempts.at));
  let until = 0;
  if (attempts.length >= rule.limit) {
    until = attempts[attempts.length - rule.limit]!.at.getTime() + rule.windowMs;
  } else if (attempts.length >= rule.slowAfter) {
    until = attempts[attempts.length - 1]!.at.getTime() + rule.baseDelayMs * 2 ** (attempts.length - rule.slowAfter);
  }
  if (until > now.getTime()) return { allowed: false, retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) };
  return { allowed: true };
}

/** Checks several keys (account and IP) and returns the strictest answer. */
export async function checkRates(checks: [string, RateRule][]): Promise<RateDecision> {
  let worst: RateDecision = { allowed: true };
  for (const [key, rule] of checks) {
    const decision = await checkRate(key, rule);
    if (!decision.allowed && (worst.allowed || decision.retryAfterSeconds > worst.retryAfterSeconds)) worst = decision;
  }
  return worst;
}

export async function recordFailure(...keys: string[]) {
  const db = await getDb();
  const at = clock.now();
  await db.insert(s.rateLimitAttempts).values(keys.map((key) => ({ key, at })));
  // Old rows are useless; trimming here keeps the table small without a separate job.
  await db.delete(s.rateLimitAttempts).where(lt(s.rateLimitAttempts.at, new Date(at.getTime() - 24 * 3_600_000)));
}

export async function clearFailures(...keys: string[]) {
  const db = await getDb();
  await db.delete(s.rateLimitAttempts).where(inArray(s.rateLimitAttempts.key, keys));
}

export function retryMessage(retryAfterSeconds: number) {
  if (retryAfterSeconds < 60) return `Too many attempts. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}.`;
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
