// The emails a referral sends. They never carry the child's or family's details, only a link: the reader signs in
// (or uses the family's private link) to see more. Queued in the caller's transaction, so mail goes only if the
// change commits.
import { eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { config } from "../config.server";
import type { Database } from "../db.server";
import { queueMail } from "../mail/mail.server";
import type { Party, ReferralAction } from "./state-machine";

const PRIVACY = "For the child's privacy this email has no personal details in it. Sign in to FORT to read the referral.";

function link(path: string) {
  return `${config().APP_URL}${path}`;
}

export interface NotifiedReferral {
  id: string;
  reference: string;
  organisationId: string;
  referrerId: string | null;
  isSelfReferral: boolean;
  parentEmail: string | null;
}

/** The texts, apart from who gets them, so they can be read and tested in one place. */
export const notificationTexts = {
  newReferral: (r: NotifiedReferral, forwarded: boolean) => ({
    subject: `New referral ${r.reference} on FORT`,
    text: `${forwarded ? "A referral has been forwarded to your organisation" : "A new referral has been sent to your organisation"}.\n\nOpen it: ${link(`/referrals/${r.id}`)}\n\n${PRIVACY}\n`,
  }),
  news: (r: NotifiedReferral, what: string) => ({
    subject: `Referral ${r.reference}: ${what}`,
    text: `There is news on referral ${r.reference}: ${what}.\n\nOpen it: ${link(`/referrals/${r.id}`)}\n\n${PRIVACY}\n`,
  }),
  familyNews: (r: NotifiedReferral) => ({
    subject: `Your request ${r.reference} on FORT`,
    text: `There is news on your request ${r.reference}. Open the private link you were given when you sent it to read it.\n`,
  }),
};

async function intakeEmail(t: Database, organisationId: string) {
  const [org] = await t.select({ intakeEmail: s.organisations.intakeEmail }).from(s.organisations).where(eq(s.organisations.id, organisationId));
  return org?.intakeEmail ?? null;
}

/** Mail to whoever did not act: the provider's intake address, or the referrer, or (news only) the family. */
export async function notifyOtherSide(t: Database, r: NotifiedReferral, party: Party, what: string, action: ReferralAction | "message") {
  if (party === "referrer" || party === "family") {
    const to = await intakeEmail(t, r.organisationId);
    if (to) await queueMail({ to, ...(action === "submit" || action === "forward" ? notificationTexts.newReferral(r, false) : notificationTexts.news(r, what)) }, t);
  }
  if (party === "provider") {
    if (action === "forward") {
      const to = await intakeEmail(t, r.organisationId);
      if (to) await queueMail({ to, ...notificationTexts.newReferral(r, true) }, t);
    }
    if (r.referrerId) {
      const [referrer] = await t.select({ email: s.users.email, active: s.users.active }).from(s.users).where(eq(s.users.id, r.referrerId));
      if (referrer?.active) await queueMail({ to: referrer.email, ...notificationTexts.news(r, what) }, t);
    } else if (r.isSelfReferral && r.parentEmail) {
      await queueMail({ to: r.parentEmail, ...notificationTexts.familyNews(r) }, t);
    }
  }
}
