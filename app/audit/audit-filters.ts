// The audit page's filters and the words for each audited action; shared by the page and the CSV.
import { z } from "zod";

const uuid = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.string().uuid(message).optional());
const date = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined)
  .pipe(
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date like 2026-03-31")
      .refine((v) => !Number.isNaN(Date.parse(v)), "Enter a real date")
      .optional(),
  );

export const auditFiltersSchema = z
  .object({
    person: uuid("Choose a person from the list"),
    organisation: uuid("Choose an organisation from the list"),
    reference: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || undefined)
      .pipe(
        z
          .string()
          .regex(/^FR-[0-9A-Z]{4}-[0-9A-Z]{4}$/i, "Enter a referral reference like FR-AB12-CD34")
          .optional(),
      ),
    referral: uuid("That referral could not be found"),
    from: date,
    to: date,
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: "custom", path: ["to"], message: "The end date must not be before the start date" });
  });

export type AuditFilters = z.infer<typeof auditFiltersSchema>;

export function parseAuditFilters(params: URLSearchParams): { ok: true; filters: AuditFilters } | { ok: false; errors: Record<string, string> } {
  const parsed = auditFiltersSchema.safeParse(Object.fromEntries(params));
  if (parsed.success) return { ok: true, filters: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  return { ok: false, errors };
}

const ACTIONS: Record<string, string> = {
  viewed: "Read the referral's personal details",
  opened_with_reason: "Opened the referral's personal details (coordinator, with a reason)",
  changed: "Changed the referral",
  family_viewed: "The family viewed their referral",
  family_changed: "The family changed their referral",
  sign_in: "Signed in",
  sign_in_failed: "Failed to sign in",
  sign_out: "Signed out",
  sign_out_everywhere: "Signed out everywhere",
  invitation_sent: "Sent an invitation",
  invitation_accepted: "Accepted an invitation",
  password_reset_requested: "Asked to reset a password",
  password_reset: "Reset a password",
  role_changed: "Changed a person's role",
  user_deactivated: "Deactivated an account",
  user_reactivated: "Reactivated an account",
  organisation_created: "Registered an organisation",
  organisation_approved: "Approved an organisation",
  service_submitted: "Sent a service change for approval",
  service_approved: "Decided on a service change",
  service_capacity_changed: "Changed a service's capacity",
  location_saved: "Saved a place",
  open_referral_import_applied: "Imported an Open Referral feed",
  referrals_anonymised: "Removed personal details after the retention period",
  audit_entries_expired: "Deleted audit entries past the retention period",
  local_holiday_added: "Added a local holiday",
  local_holiday_removed: "Removed a local holiday",
};

export function describeAuditAction(action: string, details: Record<string, unknown> = {}): string {
  const base = ACTIONS[action] ?? action.replaceAll("_", " ");
  if (action === "service_approved" && details.decision === "reject") return "Sent a service change back";
  if (action === "service_approved" && details.decision === "approve") return "Approved a service change";
  if (typeof details.count === "number") return `${base} (${details.count})`;
  return base;
}
