// Form schemas shared by the browser (instant feedback) and the server (the real check).
import { z } from "zod";

// The one redirect-target check lives in app/security/redirect.ts; re-exported for existing callers.
export { safeRedirect } from "../security/redirect";

const email = z
  .string({ required_error: "Enter your email address" })
  .trim()
  .max(254, "Email address must be 254 characters or fewer")
  .email("Enter an email address in the right format, like name@example.org");

export const signInSchema = z.object({
  email,
  password: z.string({ required_error: "Enter your password" }).max(200, "Password must be 200 characters or fewer"),
  redirectTo: z.string().optional(),
});

export const newPasswordSchema = z
  .object({
    password: z
      .string({ required_error: "Enter a new password" })
      .min(12, "Password must be at least 12 characters long")
      .max(200, "Password must be 200 characters or fewer"),
    confirm: z.string({ required_error: "Enter the password again" }),
  })
  .refine((v) => v.password === v.confirm, { message: "The two passwords are not the same", path: ["confirm"] });

export const resetRequestSchema = z.object({ email });

export const inviteSchema = z.object({
  name: z
    .string({ required_error: "Enter the person's full name" })
    .trim()
    .min(2, "Enter the person's full name")
    .max(120, "The name must be 120 characters or fewer"),
  email,
  role: z.enum(["coordinator", "referrer", "provider"], { errorMap: () => ({ message: "Choose what this person will do on FORT" }) }),
  organisationId: z.string().uuid("Choose the organisation this person works for").optional(),
  isAdmin: z.boolean().default(false),
  teamId: z.string().uuid("Choose the team this person belongs to").optional(),
});

export const staffInviteSchema = z.object({
  name: inviteSchema.shape.name,
  email,
  isAdmin: z.boolean().default(false),
});
