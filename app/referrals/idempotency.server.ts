// Sending a form twice makes one referral (issue 11). Each send form carries a one-time key (a UUID made when the
// page is served); the referrals a send makes keep it, under a unique index with the service. A second submission
// finds them, here, and the person is shown the referral that exists instead of a second one.
import { createHmac } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import * as s from "../../db/schema";
import { config } from "../config.server";
import { getDb } from "../db.server";

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** The referrals already sent by this referrer with this form key (none if the form was never sent). */
export async function referralsSentWithKey(referrerId: string, key: string): Promise<{ id: string; groupId: string }[]> {
  const db = await getDb();
  return db
    .select({ id: s.referrals.id, groupId: s.referrals.groupId })
    .from(s.referrals)
    .where(and(eq(s.referrals.idempotencyKey, key), eq(s.referrals.referrerId, referrerId)));
}

/** The family's request already made with this form key, if any. */
export async function selfReferralSentWithKey(
  serviceId: string,
  key: string,
): Promise<
  | { reference: string; secretHash: string | null; linkDelivery: string | null; parentEmail: string | null; parentPhone: string | null; doNotText: boolean }
  | undefined
> {
  const db = await getDb();
  const [row] = await db
    .select({
      reference: s.referrals.reference,
      secretHash: s.referrals.secretHash,
      // How the link was sent (issue 16), so the page shown again says the same.
      linkDelivery: s.referrals.linkDelivery,
      parentEmail: s.referrals.parentEmail,
      parentPhone: s.referrals.parentPhone,
      doNotText: s.referrals.doNotText,
    })
    .from(s.referrals)
    .where(
      and(eq(s.referrals.idempotencyKey, key), eq(s.referrals.serviceId, serviceId), eq(s.referrals.isSelfReferral, true), isNull(s.referrals.referrerId)),
    );
  return row;
}

/**
 * The secret of a family's tracking link, derived from the form key with the server's secret: a resubmitted form can
 * show the family the same link (only its hash is stored, so it could not be shown again otherwise). Without the
 * server's secret the key alone reveals nothing.
 */
export function selfReferralSecret(key: string): string {
  return createHmac("sha256", config().APP_SECRET).update(`self-referral:${key}`).digest().subarray(0, 24).toString("base64url");
}

/** True when an error is PostgreSQL's unique violation on the form-key index (two submissions at the same moment). */
export function isDuplicateSend(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint_name, message } = e as { code?: unknown; constraint_name?: unknown; message?: unknown };
    if (code === "23505" && (constraint_name === "referrals_idempotency_key" || (typeof message === "string" && message.includes("referrals_idempotency_key"))))
      return true;
  }
  return false;
}
