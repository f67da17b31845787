// Who will read a note or message (issue 16). Every note says it, chosen by the writer from the options that
// make sense for their side of this referral; the choice is stored with the note and decides who is shown it.
import type { Party } from "./state-machine";

/** family: the family too (self-referrals), and both professional sides; professionals: the referrer and the
 * service; internal: only the writer's own side (the provider's team, or the referrer and their team). */
export const AUDIENCES = ["family", "professionals", "internal"] as const;
export type Audience = (typeof AUDIENCES)[number];

export function isAudience(value: unknown): value is Audience {
  return typeof value === "string" && (AUDIENCES as readonly string[]).includes(value);
}

/** The choices a writer on this side of this referral has, in the order they are offered, with their labels. */
export function audienceChoices(writer: Party, isSelfReferral: boolean): { value: Audience; label: string }[] {
  if (writer === "provider") {
    return isSelfReferral
      ? [
          { value: "family", label: "The family (on their tracking page)" },
          { value: "internal", label: "Our team only" },
        ]
      : [
          { value: "professionals", label: "The referrer" },
          { value: "internal", label: "Our team only" },
        ];
  }
  if (writer === "referrer") {
    return [
      { value: "professionals", label: "The receiving service" },
      { value: "internal", label: "Me and my team only" },
    ];
  }
  if (writer === "family") return [{ value: "family", label: "The service" }];
  return [];
}

/** May a reader on this side see a note written by that side for this audience? */
export function audienceIncludes(audience: Audience | null | undefined, writer: Party, reader: Party): boolean {
  if (reader === writer) return true;
  // Coordinators who opened a referral with a reason read what the professionals read.
  const effective: Audience = audience ?? "professionals";
  if (reader === "family") return effective === "family";
  return effective !== "internal";
}

/** Short words shown beside a note: who could read it. */
export function audienceLabel(audience: Audience | null | undefined, writer: Party, isSelfReferral: boolean): string {
  const effective: Audience = audience ?? "professionals";
  if (effective === "internal") return writer === "provider" ? "the service's team only" : "the referrer's team only";
  if (effective === "family") return "the family can see it";
  return isSelfReferral ? "the service" : writer === "provider" ? "for the referrer" : "for the service";
}
