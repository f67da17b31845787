// Referral form schemas, shared by the browser (instant feedback) and the server (the real check).
import { z } from "zod";
import { SHANARRI, SHANARRI_CODES, type ShanarriCode } from "~/directory/taxonomy";
import { UK_POSTCODE } from "~/geo/postcode";
import { parseTypedDate, typedDateSchema } from "~/dates/typed-date";
import { AUDIENCES } from "./audience";
import { CLOSE_OUTCOMES, DECLINE_REASONS, NEED_OUTCOMES, type ReferralAction } from "./state-machine";

const required = (message: string, max = 200) => z.string({ required_error: message }).trim().min(1, message).max(max, `Must be ${max} characters or fewer`);
const optional = (max = 2000) => z.string().trim().max(max, `Must be ${max} characters or fewer`).optional();

// Dates as people type them (27/03/2020, 27 March 2020, or a picker's 2020-03-27), checked and made ISO.
const isoDate = typedDateSchema;

const today = () => new Date().toISOString().slice(0, 10);

export const URGENCY_LABELS = { routine: "Routine", soon: "Soon (within two weeks)", urgent: "Urgent (within a few days)" } as const;
export const CONTACT_PREFERENCES = { phone: "Phone call", text: "Text message", email: "Email" } as const;
/** How a family gets the private link to its request (issue 16). */
export const LINK_DELIVERY = { email: "By email", sms: "By text message", none: "Neither: I will save the link myself" } as const;
export const CONSENT_METHODS = { verbal: "Verbally", written: "In writing" } as const;

export const needField = (code: ShanarriCode) => `need_${code}` as const;
export const needDetailField = (code: ShanarriCode) => `need_${code}_detail` as const;

const needFields = Object.fromEntries(
  SHANARRI_CODES.flatMap((code) => [
    [needField(code), z.boolean().optional()],
    [needDetailField(code), optional(1000)],
  ]),
) as Record<`need_${ShanarriCode}`, z.ZodOptional<z.ZodBoolean>> & Record<`need_${ShanarriCode}_detail`, ReturnType<typeof optional>>;

const referralFields = z.object({
  draftId: z.string().uuid().optional(),
  // The form's one-time key: sending the same form twice makes one referral (issue 11).
  idempotencyKey: z.string().uuid().optional(),
  // "Refer elsewhere" (issue 16): the declined or closed referral this one follows; they share a group (one timeline).
  followsReferralId: z.string().uuid().optional(),
  serviceIds: z
    .array(z.string().uuid("Choose services from the list"), { required_error: "Choose at least one service to send the referral to" })
    .min(1, "Choose at least one service to send the referral to")
    .max(5, "Send to 5 services at most at once"),
  childName: required("Enter the child's name"),
  childDateOfBirth: isoDate("Enter the child's date of birth").refine((v) => v <= today(), "The date of birth must be today or in the past"),
  childPostcode: required("Enter the postcode where the child lives", 10).refine(
    (v) => UK_POSTCODE.test(v.toUpperCase().replace(/\s+/g, " ").trim()),
    "Enter a real postcode, like DD3 6HQ",
  ),
  childSchool: optional(200),
  parentName: required("Enter the parent or carer's name"),
  parentRelationship: required("Say how they are related to the child, for example mother or kinship carer", 100),
  parentPhone: optional(30).refine((v) => !v || /^[0-9 +()-]{7,30}$/.test(v), "Enter a phone number using only numbers, spaces and +"),
  parentEmail: optional(254).refine((v) => !v || z.string().email().safeParse(v).success, "Enter an email address like name@example.org"),
  contactPreference: z.enum(Object.keys(CONTACT_PREFERENCES) as [keyof typeof CONTACT_PREFERENCES], {
    errorMap: () => ({ message: "Choose how the family would like to be contacted" }),
  }),
  contactTimes: optional(200),
  ...needFields,
  tried: optional(2000),
  familyWants: required("Say what the family would like to happen", 2000),
  urgency: z.enum(["routine", "soon", "urgent"], { errorMap: () => ({ message: "Choose how urgent this is" }) }),
  language: optional(100),
  interpreterNeeded: z.boolean().optional(),
  accessibilityNeeds: optional(1000),
  consentGivenBy: required("Enter who gave consent, for example the child's mother"),
  consentDate: isoDate("Enter the date consent was given").refine((v) => v <= today(), "Consent cannot be dated in the future"),
  consentMethod: z.enum(["verbal", "written"], { errorMap: () => ({ message: "Say how consent was given" }) }),
  consentLimits: optional(1000),
  childViews: optional(2000),
  consentConfirmed: z.boolean({ required_error: "Confirm that the family agreed to this referral being shared" }),
});

// Checks across fields live in a second, lenient part of an intersection: zod skips an object's refinements
// when any field fails, and people should see every problem at once, beside its field.
const given = (v: unknown) => v !== undefined && v !== null && v !== "" && v !== false;
const referralCrossChecks = z
  .object({ contactPreference: z.unknown(), parentPhone: z.unknown(), parentEmail: z.unknown(), childDateOfBirth: z.unknown() })
  .passthrough()
  .superRefine((raw, ctx) => {
    const v = raw as Record<string, unknown>;
    const chosen = SHANARRI_CODES.filter((code) => given(v[needField(code)]));
    if (chosen.length === 0) {
      ctx.addIssue({ code: "custom", path: ["needs"], message: "Choose at least one wellbeing need (SHANARRI)" });
    }
    for (const code of chosen) {
      if (typeof v[needDetailField(code)] !== "string" || !(v[needDetailField(code)] as string).trim()) {
        const name = SHANARRI.find((s) => s.code === code)!.name;
        ctx.addIssue({ code: "custom", path: [needDetailField(code)], message: `Describe the need under ${name}` });
      }
    }
    const preference = v.contactPreference;
    if (preference === "email" && !given(v.parentEmail)) ctx.addIssue({ code: "custom", path: ["parentEmail"], message: "Enter the email address to use" });
    if ((preference === "phone" || preference === "text") && !given(v.parentPhone))
      ctx.addIssue({ code: "custom", path: ["parentPhone"], message: "Enter the phone number to use" });
    const dateOfBirth = typeof v.childDateOfBirth === "string" ? parseTypedDate(v.childDateOfBirth) : null;
    if (dateOfBirth && "iso" in dateOfBirth && dateOfBirth.iso < `${new Date().getUTCFullYear() - 26}-01-01`) {
      ctx.addIssue({ code: "custom", path: ["childDateOfBirth"], message: "FORT is for children and young people up to 25; check the date of birth" });
    }
  })
  // Contributes checks only, no values, so the intersection's result is the first part's.
  .transform(() => ({}));

export const referralSchema = z.intersection(referralFields, referralCrossChecks);

export type ReferralInput = z.infer<typeof referralFields>;

export function needsOf(input: ReferralInput) {
  return SHANARRI_CODES.filter((code) => input[needField(code)]).map((code) => ({ code, description: input[needDetailField(code)] ?? "" }));
}

const selfReferralFields = z.object({
  idempotencyKey: z.string().uuid().optional(),
  parentName: required("Enter your name"),
  contactPreference: z.enum(Object.keys(CONTACT_PREFERENCES) as [keyof typeof CONTACT_PREFERENCES], {
    errorMap: () => ({ message: "Choose how you would like to be contacted" }),
  }),
  parentPhone: optional(30).refine((v) => !v || /^[0-9 +()-]{7,30}$/.test(v), "Enter a phone number using only numbers, spaces and +"),
  parentEmail: optional(254).refine((v) => !v || z.string().email().safeParse(v).success, "Enter an email address like name@example.org"),
  contactTimes: optional(200),
  doNotLeaveVoicemail: z.boolean().optional(),
  doNotText: z.boolean().optional(),
  linkDelivery: z.enum(Object.keys(LINK_DELIVERY) as [keyof typeof LINK_DELIVERY], {
    errorMap: () => ({ message: "Choose how you would like to get your private link" }),
  }),
  childAge: z.coerce
    .number({ required_error: "Enter your child's age in years", invalid_type_error: "Enter your child's age as a number, like 4" })
    .int("Enter your child's age in whole years")
    .min(0, "Enter your child's age in whole years (0 for a baby)")
    .max(25, "This service is for children and young people up to 25"),
  childPostcode: optional(10).refine((v) => !v || UK_POSTCODE.test(v.toUpperCase().replace(/\s+/g, " ").trim()), "Enter a real postcode, like DD3 6HQ"),
  familyWants: required("Tell us what help you would like", 2000),
  language: optional(100),
  consent: z.boolean({ required_error: "Tick the box to agree to the service holding these details" }),
  // Honeypot: hidden from people, filled in by bots.
  website: z.string().optional(),
});

export const selfReferralSchema = z.intersection(
  selfReferralFields,
  z
    .object({ contactPreference: z.unknown(), parentPhone: z.unknown(), parentEmail: z.unknown(), linkDelivery: z.unknown(), doNotText: z.unknown() })
    .superRefine((v, ctx) => {
      if (v.contactPreference === "email" && !given(v.parentEmail))
        ctx.addIssue({ code: "custom", path: ["parentEmail"], message: "Enter your email address" });
      if ((v.contactPreference === "phone" || v.contactPreference === "text") && !given(v.parentPhone))
        ctx.addIssue({ code: "custom", path: ["parentPhone"], message: "Enter your phone number" });
      if (v.linkDelivery === "email" && !given(v.parentEmail))
        ctx.addIssue({ code: "custom", path: ["parentEmail"], message: "Enter your email address to get your link by email" });
      if (v.linkDelivery === "sms" && !given(v.parentPhone))
        ctx.addIssue({ code: "custom", path: ["parentPhone"], message: "Enter your mobile number to get your link by text message" });
      if (v.doNotText && (v.linkDelivery === "sms" || v.contactPreference === "text"))
        ctx.addIssue({ code: "custom", path: ["doNotText"], message: 'You asked not to get text messages: choose another way, or untick "do not text me"' });
    })
    .transform(() => ({})),
);

export const messageSchema = z.object({
  intent: z.literal("message"),
  body: required("Write your message", 4000),
  audience: z.enum(AUDIENCES, { errorMap: () => ({ message: "Choose who will see this message" }) }),
});

const noteAudience = z.enum(AUDIENCES, { errorMap: () => ({ message: "Choose who will see this note" }) }).optional();

export const familyMessageSchema = z.object({
  key: z.string().min(1).max(200),
  body: required("Write your message", 4000),
});

/** The family's "withdraw my request": its own form and its own reason, apart from the message box. */
export const familyWithdrawSchema = z.object({
  key: z.string().min(1).max(200),
  intent: z.literal("withdraw"),
  reason: required("Tell the service why you are withdrawing your request", 2000),
});

export const lostLinkSchema = z.object({
  reference: z
    .string({ required_error: "Enter your reference" })
    .trim()
    .min(1, "Enter your reference")
    .max(20, "Enter your reference, like FR-AB12-CD34")
    .regex(/^FR-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}$/i, "Enter your reference, like FR-AB12-CD34"),
});

export const coordinatorOpenSchema = z.object({
  intent: z.literal("open_details"),
  reason: required("Say why you need to see this referral's personal details", 500),
});

const version = z.coerce.number({ required_error: "Reload the page and try again" }).int().min(1);
const note = optional(4000);

/** A note that someone will read needs its audience chosen (questions and answers go to the other side as such). */
export function transitionSchema(action: Exclude<ReferralAction, "submit">, needCodes: string[] = []) {
  const schema = transitionFields(action, needCodes);
  if (action === "request_info" || action === "answer_info") return schema;
  return (schema as z.ZodType<{ note?: string; noteAudience?: string }>).superRefine((v, ctx) => {
    if (v.note && !v.noteAudience) ctx.addIssue({ code: "custom", path: ["noteAudience"], message: "Choose who will see this note" });
  });
}

function transitionFields(action: Exclude<ReferralAction, "submit">, needCodes: string[]) {
  switch (action) {
    case "accept":
    case "start_support":
    case "withdraw":
      return z.object({ intent: z.literal(action), version, note, noteAudience });
    case "request_info":
      return z.object({ intent: z.literal(action), version, note: required("Say what information you need", 4000) });
    case "answer_info":
      return z.object({ intent: z.literal(action), version, note: required("Give the information that was asked for", 4000) });
    case "forward":
      return z.object({
        intent: z.literal(action),
        version,
        toServiceId: z.string({ required_error: "Choose the service to forward it to" }).uuid("Choose the service to forward it to"),
        note,
        noteAudience,
      });
    case "decline":
      return z
        .object({
          intent: z.literal(action),
          version,
          reason: z.enum(Object.keys(DECLINE_REASONS) as [keyof typeof DECLINE_REASONS], { errorMap: () => ({ message: "Choose why you are declining" }) }),
          reasonOther: optional(500),
          suggestedServiceId: z.string().uuid("Choose a service from the list").optional(),
          note,
          noteAudience,
        })
        .superRefine((v, ctx) => {
          if (v.reason === "other" && !v.reasonOther) ctx.addIssue({ code: "custom", path: ["reasonOther"], message: "Say why you are declining" });
          if (v.reason === "better_met_elsewhere" && !v.suggestedServiceId)
            ctx.addIssue({ code: "custom", path: ["suggestedServiceId"], message: "Suggest the service that would meet the need better" });
        });
    case "close":
      return z
        .object({
          intent: z.literal(action),
          version,
          outcome: z.enum(Object.keys(CLOSE_OUTCOMES) as [keyof typeof CLOSE_OUTCOMES], { errorMap: () => ({ message: "Choose the outcome" }) }),
          outcomeOther: optional(500),
          note,
          noteAudience,
          ...Object.fromEntries(
            needCodes.map((code) => [
              `outcome_${code}`,
              z.enum(Object.keys(NEED_OUTCOMES) as [keyof typeof NEED_OUTCOMES], {
                errorMap: () => ({ message: `Choose the outcome for ${SHANARRI.find((s) => s.code === code)?.name ?? code}` }),
              }),
            ]),
          ),
        })
        .superRefine((v, ctx) => {
          if (v.outcome === "other" && !v.outcomeOther) ctx.addIssue({ code: "custom", path: ["outcomeOther"], message: "Describe the outcome" });
        });
  }
}
