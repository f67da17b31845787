// The provider's service form, shared by the browser and the server.
import { z } from "zod";
import { optionalWebUrlField } from "../security/urls";
import { ACCESSIBILITY_FEATURES } from "../organisations/location-form";
import { CATEGORY_CODES, SHANARRI_CODES } from "./taxonomy";

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((v) => (v ? v : null));

const age = (label: string) =>
  z.coerce
    .number({ invalid_type_error: `${label} must be a number of years` })
    .int(`${label} must be a whole number of years`)
    .min(0, `${label} cannot be below 0`)
    .max(25, `${label} must be 25 or under`)
    .optional()
    .transform((v) => (v === undefined ? null : v));

const time = z
  .string()
  .trim()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, "Enter a time like 09:30 or 17:00")
  .optional();

const weekHours = z
  .array(z.object({ opens: time, closes: time }))
  .length(7)
  .default(Array.from({ length: 7 }, () => ({})));

export const serviceLocationSchema = z.object({
  locationId: z.string({ required_error: "Choose where the service runs" }).uuid("Choose where the service runs"),
  accessibility: z.array(z.enum(ACCESSIBILITY_FEATURES)).default([]),
  hours: weekHours,
});

export type ServiceLocationForm = z.infer<typeof serviceLocationSchema>;

/** An empty place row, as "Add another place" inserts it. */
export const emptyServiceLocation = () => ({ locationId: "", accessibility: [], hours: Array.from({ length: 7 }, () => ({})) });

export const SERVICE_STATUS = { active: "Running", temporarily_closed: "Temporarily closed", inactive: "Stopped (hidden from the public)" } as const;

export const serviceFormSchema = z
  .object({
    name: z
      .string({ required_error: "Enter the service's name" })
      .trim()
      .min(3, "The name must be at least 3 characters")
      .max(120, "The name must be 120 characters or fewer"),
    summary: z
      .string({ required_error: "Enter a one-sentence summary" })
      .trim()
      .min(10, "The summary must be at least 10 characters")
      .max(200, "The summary must be 200 characters or fewer"),
    description: z
      .string({ required_error: "Describe what the service offers" })
      .trim()
      .min(20, "The description must be at least 20 characters")
      .max(4000, "The description must be 4,000 characters or fewer"),
    minAge: age("Youngest age"),
    maxAge: age("Oldest age"),
    eligibilityCriteria: optionalText(1000, "Who can use it"),
    acceptsProfessionalReferrals: z.boolean().default(false),
    acceptsSelfReferrals: z.boolean().default(false),
    status: z.enum(["active", "temporarily_closed", "inactive"], { errorMap: () => ({ message: "Choose whether the service is running" }) }),
    isFree: z.boolean().default(false),
    costDescription: optionalText(300, "The cost description"),
    url: optionalWebUrlField,
    email: z
      .string()
      .trim()
      .email("Enter an email address like name@example.org")
      .max(254)
      .optional()
      .transform((v) => v ?? null),
    phone: optionalText(40, "The phone number"),
    shanarri: z.array(z.enum(SHANARRI_CODES), { required_error: "Choose at least one wellbeing indicator" }).min(1, "Choose at least one wellbeing indicator"),
    categories: z.array(z.enum(CATEGORY_CODES), { required_error: "Choose at least one kind of support" }).min(1, "Choose at least one kind of support"),
    // Every place the service runs, each with its own hours and the building's accessibility.
    locations: z
      .array(serviceLocationSchema, { required_error: "Add at least one place where the service runs" })
      .min(1, "Add at least one place where the service runs")
      .max(20, "A service can list up to 20 places"),
    // Codes of wards, council areas or postcode districts (see app/directory/service-areas.server.ts).
    areas: z.array(z.string().trim().min(1).max(60)).max(100).default([]),
    languages: z
      .array(
        z
          .string()
          .trim()
          .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "Choose languages from the list"),
      )
      .max(40)
      .default([]),
  })
  .superRefine((v, ctx) => {
    if (v.minAge !== null && v.maxAge !== null && v.maxAge < v.minAge)
      ctx.addIssue({ code: "custom", path: ["maxAge"], message: "The oldest age must not be below the youngest age" });
    if (!v.acceptsProfessionalReferrals && !v.acceptsSelfReferrals)
      ctx.addIssue({ code: "custom", path: ["acceptsProfessionalReferrals"], message: "Choose at least one way for families to be referred" });
    if (!v.isFree && !v.costDescription)
      ctx.addIssue({ code: "custom", path: ["costDescription"], message: "Say what the service costs, or tick that it is free" });
    const seen = new Set<string>();
    v.locations.forEach((place, p) => {
      if (seen.has(place.locationId))
        ctx.addIssue({ code: "custom", path: ["locations", p, "locationId"], message: "This place is already listed; choose another or remove this one" });
      seen.add(place.locationId);
      place.hours.forEach((h, i) => {
        if (Boolean(h.opens) !== Boolean(h.closes))
          ctx.addIssue({
            code: "custom",
            path: ["locations", p, "hours", i, h.opens ? "closes" : "opens"],
            message: "Enter both the opening and the closing time, or neither",
          });
        else if (h.opens && h.closes && toMinutes(h.opens) >= toMinutes(h.closes))
          ctx.addIssue({ code: "custom", path: ["locations", p, "hours", i, "closes"], message: "The closing time must be after the opening time" });
      });
    });
  });

export type ServiceForm = z.infer<typeof serviceFormSchema>;
export type ServiceFormInput = z.input<typeof serviceFormSchema>;

function toMinutes(t: string) {
  const [h, m] = t.split(":").map(Number);
  return h! * 60 + m!;
}

export const capacityFormSchema = z
  .object({
    capacity: z.enum(["accepting", "waiting_list", "not_accepting"], { errorMap: () => ({ message: "Choose whether you are taking new referrals" }) }),
    typicalWaitWeeks: z.coerce
      .number({ invalid_type_error: "Enter the typical wait as a number of weeks" })
      .int("Enter a whole number of weeks")
      .min(1, "The wait must be at least 1 week")
      .max(104, "The wait must be 104 weeks or fewer")
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.capacity === "waiting_list" && v.typicalWaitWeeks === undefined)
      ctx.addIssue({ code: "custom", path: ["typicalWaitWeeks"], message: "Enter the typical wait in weeks" });
  });
