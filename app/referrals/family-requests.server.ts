// A family's own request for help (self-referral) and the private link that follows it: made, sent to the family the
// way they chose, and sent again from the reference alone. Split from commands.server.ts, whose changeState() moves
// the request on; the family's later actions (messages, reply, withdraw) are there too.
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { hashSecret } from "../auth/policy.server";
import { clock } from "../clock.server";
import { getDb } from "../db.server";
import { isUuid } from "../directory/services.server";
import { referralArea } from "../geo/postcodes.server";
import { tidyPostcode } from "../geo/postcode";
import { open } from "../privacy/crypto.server";
import { sealReferral } from "../privacy/sealed-fields.server";
import { logAccess, newReference } from "./access.server";
import { changeState, takesReferrals } from "./commands.server";
import { checkServices } from "./eligibility.server";
import { ReferralNotFound, ReferralRefused } from "./errors";
import { selfReferralSecret } from "./idempotency.server";
import { sendFamilyLink } from "./notifications.server";

export interface SelfReferralInput {
  /** issue 11: the form's one-time key; the family's secret is derived from it, so a resubmission can show the same link. */
  idempotencyKey?: string;
  parentName: string;
  contactPreference: "phone" | "text" | "email";
  parentPhone?: string;
  parentEmail?: string;
  contactTimes?: string;
  childAge: number;
  childPostcode?: string;
  familyWants: string;
  language?: string;
  /** How the private link reaches the family (issue 16): email, text message, or not at all. */
  linkDelivery?: "email" | "sms" | "none";
  doNotLeaveVoicemail?: boolean;
  doNotText?: boolean;
  /** The language of the pages the family used; messages to them are written in it. */
  locale?: string;
}

/** A family's own request. Returns the reference and the secret for its private link (shown once, only its hash kept). */
export async function createSelfReferral(
  serviceId: string,
  input: SelfReferralInput,
  ip?: string,
): Promise<{ id: string; reference: string; secret: string; deliveredBy: "email" | "sms" | null }> {
  if (!isUuid(serviceId)) throw new ReferralNotFound();
  const [fit] = await checkServices([serviceId], { ageYears: input.childAge, postcode: input.childPostcode, needCodes: [] }, clock.now(), "self");
  if (fit?.problems.length) throw new ReferralRefused(`${fit.problems.join(" ")} You can look for another service on the list of services.`);
  const db = await getDb();
  const secret = input.idempotencyKey ? selfReferralSecret(input.idempotencyKey) : randomBytes(24).toString("base64url");
  return db.transaction(async (tx) => {
    const [service] = await tx
      .select({ organisationId: s.services.organisationId })
      .from(s.services)
      .where(and(eq(s.services.id, serviceId), takesReferrals("self")))
      .for("share");
    if (!service) throw new ReferralNotFound();
    const reference = newReference();
    const today = clock.now().toISOString().slice(0, 10);
    const [row] = await tx
      .insert(s.referrals)
      .values({
        ...sealReferral({
          childName: "Not given (family request)",
          childPostcode: input.childPostcode ? tidyPostcode(input.childPostcode) : null,
          parentName: input.parentName,
          parentRelationship: "Parent or carer (self-referral)",
          parentPhone: input.parentPhone ?? null,
          parentEmail: input.parentEmail ?? null,
          contactTimes: input.contactTimes ?? null,
          familyWants: input.familyWants,
          consentGivenBy: input.parentName,
        }),
        subjectIndex: null,
        groupId: crypto.randomUUID(),
        reference,
        serviceId,
        organisationId: service.organisationId,
        isSelfReferral: true,
        secretHash: hashSecret(secret),
        idempotencyKey: input.idempotencyKey ?? null, // issue 11
        state: "draft",
        childAgeYears: input.childAge,
        ...referralArea(input.childPostcode),
        contactPreference: input.contactPreference,
        doNotLeaveVoicemail: input.doNotLeaveVoicemail ?? false,
        doNotText: input.doNotText ?? false,
        linkDelivery: input.linkDelivery ?? "none",
        familyLocale: input.locale ?? null,
        language: input.language ?? null,
        consentDate: today,
        consentMethod: "online",
        updatedByLabel: "The family",
      })
      .returning({ id: s.referrals.id });
    await changeState({ kind: "family", secret, ip }, row!.id, "submit", 1, {}, tx);
    const deliveredBy = await sendFamilyLink(
      tx,
      {
        reference,
        linkDelivery: input.linkDelivery ?? "none",
        parentEmail: input.parentEmail ?? null,
        parentPhone: input.parentPhone ?? null,
        doNotText: input.doNotText ?? false,
        familyLocale: input.locale ?? null,
      },
      secret,
      false,
    );
    return { id: row!.id, reference, secret, deliveredBy };
  });
}

/**
 * "Lost your link?": a new link for the request with this reference, sent to the contact on file the way the family
 * chose (or by email, then text, if it chose neither). The secret is stored hashed, so the old link stops working.
 * The caller says the same thing whatever happens: nobody learns whether a reference exists.
 */
export async function resendFamilyLink(reference: string, ip?: string): Promise<void> {
  const wanted = reference.trim().toUpperCase();
  if (!/^FR-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(wanted)) return;
  const db = await getDb();
  await db.transaction(async (t) => {
    const [sealed] = await t
      .select({
        id: s.referrals.id,
        reference: s.referrals.reference,
        state: s.referrals.state,
        linkDelivery: s.referrals.linkDelivery,
        parentEmail: s.referrals.parentEmail,
        parentPhone: s.referrals.parentPhone,
        doNotText: s.referrals.doNotText,
        familyLocale: s.referrals.familyLocale,
        anonymisedAt: s.referrals.anonymisedAt,
      })
      .from(s.referrals)
      .where(and(eq(s.referrals.reference, wanted), eq(s.referrals.isSelfReferral, true)))
      .for("update");
    if (!sealed || sealed.state === "draft" || sealed.anonymisedAt) return;
    // The contact on file is sealed at rest (issue 18).
    const row = { ...sealed, parentEmail: open(sealed.parentEmail), parentPhone: open(sealed.parentPhone) };
    const linkDelivery = row.linkDelivery === "email" || row.linkDelivery === "sms" ? row.linkDelivery : row.parentEmail ? "email" : "sms";
    const secret = randomBytes(24).toString("base64url");
    const sent = await sendFamilyLink(t, { ...row, linkDelivery }, secret, true);
    // No contact to send it to: keep the old link working rather than cut the family off.
    if (!sent) return;
    await t
      .update(s.referrals)
      .set({ secretHash: hashSecret(secret) })
      .where(eq(s.referrals.id, row.id));
    await logAccess({ referralId: row.id, userId: null, kind: "family_changed", reason: "link sent again", ip }, t);
  });
}
