// Slows, then refuses, repeated failed attempts (sign-in, password reset, invitations), per account and per IP.
// Attempts live in PostgreSQL so every app server sees the same counts.
import { and, asc, eq, gt, inArray, lt, sql } from "drizzle-orm";
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

type Executor = Pick<Awaited<ReturnType<typeof getDb>>, "select">;

export async function checkRate(key: string, rule: RateRule, executor?: Executor, now = clock.now()): Promise<RateDecision> {
  const db = executor ?? (await getDb());
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

/**
 * Checks every key and, when all allow it, counts this attempt against each, as one step: keys are locked
 * (transaction-scoped advisory locks) from the check to the count, so 100 simultaneous guesses are counted
 * one after another and no more get through than the rule allows (issue 12). Call before doing the work;
 * on success call `releaseAttempt` so that a correct answer does not use up the allowance.
 */
export async function takeAttempt(checks: [string, RateRule][]): Promise<RateDecision & { at?: Date }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    for (const key of [...new Set(checks.map(([k]) => k))].sort()) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    }
    const now = clock.now();
    let worst: RateDecision = { allowed: true };
    for (const [key, rule] of checks) {
      const decision = await checkRate(key, rule, tx, now);
      if (!decision.allowed && (worst.allowed || decision.retryAfterSeconds > worst.retryAfterSeconds)) worst = decision;
    }
    if (!worst.allowed) return worst;
    await tx.insert(s.rateLimitAttempts).values(checks.map(([key]) => ({ key, at: now })));
    return { allowed: true as const, at: now };
  });
}

/** Takes back one attempt counted by takeAttempt (the attempt succeeded). */
export async function releaseAttempt(key: string, at: Date) {
  const db = await getDb();
  await db.execute(
    sql`delete from ${s.rateLimitAttempts} where ctid in (select ctid from ${s.rateLimitAttempts} where ${s.rateLimitAttempts.key} = ${key} and ${s.rateLimitAttempts.at} = ${at.toISOString()}::timestamptz limit 1)`,
  );
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
