// The one URL type for every link a person can enter or import (issue 12).
// Websites are http: or https: only; mailto: and tel: links are built by FORT from checked emails and phones,
// never taken from input. The same checks run at every way in (forms, Open Referral import, seed) and again
// when a link is rendered, so a bad row that slipped in some other way is shown as text, never as a link.
import { z } from "zod";

export const WEB_URL_MESSAGE = "Enter a web address starting with https:// or http://";
export const WEB_URL_MAX = 300;

/** The address when it is an absolute http(s) URL with a host and no credentials; null otherwise. */
export function webUrl(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  // Control characters and spaces are dropped by URL parsers in ways that hide the scheme ("java\tscript:").
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (trimmed === "" || trimmed.length > WEB_URL_MAX || /[\x00-\x20\x7f\\]/.test(trimmed)) return null;
  if (!/^https?:\/\//i.test(trimmed)) return null;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  if (!parsed.hostname || parsed.username || parsed.password) return null;
  return trimmed;
}

/** The href for a website, or undefined (render as text) when it is not a safe web address. */
export function websiteHref(value: string | null | undefined): string | undefined {
  return webUrl(value) ?? undefined;
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A mailto: link built from a plain email address (no query, no second recipient); undefined otherwise. */
export function mailtoHref(email: string | null | undefined): string | undefined {
  const trimmed = email?.trim();
  if (!trimmed || trimmed.length > 254 || !EMAIL.test(trimmed)) return undefined;
  return `mailto:${trimmed}`;
}

/** A tel: link of digits (and a leading +) taken from a phone number as written; undefined when there are too few digits. */
export function telHref(phone: string | null | undefined): string | undefined {
  if (!phone) return undefined;
  const digits = phone.replace(/[^\d+]/g, "").replace(/(?!^)\+/g, "");
  if (digits.replace(/\D/g, "").length < 3 || digits.length > 20) return undefined;
  return `tel:${digits}`;
}

/** The form field for an optional website: empty becomes null, anything else must be an http(s) address. */
export const optionalWebUrlField = z
  .string()
  .trim()
  .max(WEB_URL_MAX, `The web address must be ${WEB_URL_MAX} characters or fewer`)
  .optional()
  .refine((v) => !v || webUrl(v) !== null, WEB_URL_MESSAGE)
  .transform((v) => v || null);
