// The emails a referral sends. They never carry the child's or family's details, only a link: the reader signs in
// (or uses the family's private link) to see more. Queued in the caller's transaction, so mail goes only if the
// change commits.
import { eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { config } from "../config.server";
import type { Database } from "../db.server";
import { queueMail } from "../mail/mail.server";
import { i18nFor } from "../i18n/i18n";
import { isLanguage } from "../i18n/languages";
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
  familyLocale?: string | null;
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
  /** The family's private link, by email or text message, in the family's language. Says a resent link replaces the old one. */
  familyLink: (reference: string, url: string, reissued: boolean, locale?: string | null) => {
    const t = i18nFor(isLanguage(locale) ? locale : "en").t;
    return {
      subject: t("messages.linkSubject", { reference }),
      text: `${t(reissued ? "messages.linkReissued" : "messages.linkNew")} ${t("messages.linkBody", { reference, url })}\n${t("messages.linkPrivate")}\n`,
    };
  },
  familyNews: (r: NotifiedReferral & { familyLocale?: string | null }) => {
    const t = i18nFor(isLanguage(r.familyLocale) ? r.familyLocale : "en").t;
    return {
      subject: t("messages.newsSubject", { reference: r.reference }),
      text: `${t("messages.newsBody", { reference: r.reference, lostUrl: link("/track/lost") })}\n`,
    };
  },
};

async function intakeEmail(t: Database, organisationId: string) {
  const [org] = await t.select({ intakeEmail: s.organisations.intakeEmail }).from(s.organisations).where(eq(s.organisations.id, organisationId));
  return org?.intakeEmail ?? null;
}

/** Sends the family its private link the way it chose; nothing when it chose neither or gave no usable contact. */
export async function sendFamilyLink(
  t: Database,
  family: {
    reference: string;
    linkDelivery: string | null;
    parentEmail: string | null;
    parentPhone: string | null;
    doNotText: boolean;
    familyLocale?: string | null;
  },
  secret: string,
  reissued: boolean,
) {
  const url = link(`/track/${family.reference}?key=${encodeURIComponent(secret)}`);
  const words = notificationTexts.familyLink(family.reference, url, reissued, family.familyLocale);
  const channel = familyLinkChannel(family);
  if (channel === "email") await queueMail({ to: family.parentEmail!, ...words }, t);
  if (channel === "sms") await queueMail({ channel: "sms", to: family.parentPhone!, subject: words.subject, text: words.text }, t);
  return channel;
}

/** How a family's private link reaches it (what sendFamilyLink does), so a page shown again can say the same. */
export function familyLinkChannel(family: { linkDelivery: string | null; parentEmail: string | null; parentPhone: string | null; doNotText: boolean }) {
  if (family.linkDelivery === "email" && family.parentEmail) return "email" as const;
  if (family.linkDelivery === "sms" && family.parentPhone && !family.doNotText) return "sms" as const;
  return null;
}

/** Mail to whoever did not act: the provider's intake address, or the referrer, or (news only) the family. */
export async function notifyOtherSide(t: Database, r: NotifiedReferral, party: Party, what: string, action: ReferralAction | "message") {
  if (party === "referrer" || party === "family") {
    const to = await intakeEmail(t, r.organisationId);
    if (to)
      await queueMail({ to, ...(action === "submit" || action === "forward" ? notificationTexts.newReferral(r, false) : notificationTexts.news(r, what)) }, t);
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
