// The search for one child's records (subject access): a reference, or a full name and date of birth.
import { z } from "zod";
export type SubjectQuery = { reference: string } | { childName: string; dateOfBirth: string };

const querySchema = z.union([
  z.object({
    reference: z
      .string()
      .trim()
      .regex(/^FR-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}$/, "Enter a reference like FR-AB12-CD34"),
  }),
  z.object({
    childName: z.string().trim().min(1, "Enter the child's full name").max(200),
    dateOfBirth: z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the date of birth as YYYY-MM-DD"),
  }),
]);

export function parseSubjectQuery(params: URLSearchParams): { query: SubjectQuery | null; errors: Record<string, string> } {
  const reference = params.get("reference")?.trim();
  const raw = reference ? { reference } : { childName: params.get("childName") ?? "", dateOfBirth: params.get("dateOfBirth") ?? "" };
  if (!reference && !raw.childName && !raw.dateOfBirth) return { query: null, errors: {} };
  const parsed = querySchema.safeParse(raw);
  if (parsed.success) return { query: parsed.data, errors: {} };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues.flatMap((i) => (i.code === "invalid_union" ? i.unionErrors.flatMap((e) => e.issues) : [i]))) {
    const key = String(issue.path[0]);
    if ((reference ? key === "reference" : key !== "reference") && !errors[key]) errors[key] = issue.message;
  }
  return { query: null, errors };
}
