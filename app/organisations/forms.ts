import { z } from "zod";
import { optionalWebUrlField } from "../security/urls";

const optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Must be ${max} characters or fewer`)
    .optional()
    .transform((v) => v || null);

export const organisationSchema = z.object({
  name: z
    .string({ required_error: "Enter the organisation's name" })
    .trim()
    .min(2, "Enter the organisation's name")
    .max(160, "The name must be 160 characters or fewer"),
  description: z
    .string({ required_error: "Say briefly what the organisation does" })
    .trim()
    .min(10, "Say briefly what the organisation does (at least 10 characters)")
    .max(2000, "The description must be 2,000 characters or fewer"),
  email: z.string({ required_error: "Enter a contact email address" }).trim().email("Enter an email address like name@example.org"),
  website: optionalWebUrlField,
  phone: optional(40),
  intakeEmail: z
    .string()
    .trim()
    .email("Enter an email address like referrals@example.org")
    .optional()
    .transform((v) => v || null),
});

export const registrationSchema = organisationSchema.extend({
  contactName: z.string({ required_error: "Enter your name" }).trim().min(2, "Enter your name").max(120, "Your name must be 120 characters or fewer"),
  // Honeypot: hidden from people, filled in by bots.
  fax: z.string().optional(),
});
