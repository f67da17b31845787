// The public forms' error messages are shown in the family's language: every message their schemas can give must be
// in the `formErrors` section, and every language must say it in its own words.
import { describe, expect, it } from "vitest";
import { formErrorKey } from "~/i18n/form-errors";
import { i18nFor } from "~/i18n/i18n";
import { familyMessageSchema, familyWithdrawSchema, lostLinkSchema, selfReferralSchema } from "~/referrals/forms";

function messages(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }, input: unknown) {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error!.issues.map((i) => i.message);
}

const long = "x".repeat(5000);
const PUBLIC_FORM_INPUTS: [string, Parameters<typeof messages>[0], unknown][] = [
  ["self-referral, empty", selfReferralSchema, {}],
  ["self-referral, blank", selfReferralSchema, { parentName: " ", contactPreference: "x", linkDelivery: "x", childAge: "", familyWants: " " }],
  [
    "self-referral, wrong values",
    selfReferralSchema,
    {
      parentName: long,
      contactPreference: "email",
      linkDelivery: "sms",
      doNotText: true,
      parentPhone: "call me",
      parentEmail: "nobody",
      childAge: "four",
      childPostcode: "XYZ",
      familyWants: long,
    },
  ],
  ["self-referral, ages", selfReferralSchema, { childAge: "4.5" }],
  ["self-referral, ages", selfReferralSchema, { childAge: "-1" }],
  ["self-referral, ages", selfReferralSchema, { childAge: "40" }],
  ["self-referral, contact", selfReferralSchema, { contactPreference: "phone", linkDelivery: "email" }],
  ["family message", familyMessageSchema, { key: "k", body: " " }],
  ["withdraw", familyWithdrawSchema, { key: "k", intent: "withdraw", reason: "" }],
  ["lost link", lostLinkSchema, {}],
  ["lost link", lostLinkSchema, { reference: "FR-1" }],
];

describe("error messages on the public forms", () => {
  const seen = new Set<string>();
  for (const [, schema, input] of PUBLIC_FORM_INPUTS) for (const m of messages(schema, input)) seen.add(m);

  it("come from a known list, so none stays in English by accident", () => {
    expect(seen.size).toBeGreaterThan(15);
    expect([...seen].filter((m) => formErrorKey(m) === null)).toEqual([]);
  });

  it.each(["pl", "ar", "uk"] as const)("read in %s, with the numbers in place", (lang) => {
    const i18n = i18nFor(lang);
    for (const message of seen) {
      const { key, values } = formErrorKey(message)!;
      const translated = i18n.t(`formErrors.${key}`, values);
      expect(translated, message).not.toBe(message);
      expect(translated, message).not.toContain("formErrors.");
      if (values?.max) expect(translated).toContain(values.max);
    }
    expect(i18n.t("formErrors.problem")).not.toBe("There is a problem");
  });
});
