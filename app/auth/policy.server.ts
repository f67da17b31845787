// Who may see and change what, written once per entity (docs/decisions/0013-policy-module-and-domain-layout.md).
//
// Each row rule is a small predicate over a few columns (a Rule). The same Rule is compiled to SQL, so a query
// can only ever match the rows the actor may see (`…Scope(user)`), and evaluated on a loaded row or a live event
// (`may…(user, row)`), so a check on one row can never disagree with the query that found it. Rights that are not
// about one row (create an organisation, read reports) are capabilities of a role (`may(user, "…")`).
// Domain functions call these; routes only ask "who is signed in" and gate by role.
import { createHash, timingSafeEqual } from "node:crypto";
import { and, eq, inArray, ne, or, sql, type Column, type SQL } from "drizzle-orm";
import * as s from "../../db/schema";
import { Forbidden, Refused } from "../domain/errors";
import type { Party, ReferralState } from "../referrals/state-machine";
import type { CurrentUser, Role } from "./session.server";

// ---------------------------------------------------------------- rules: one definition, two evaluations

type Value = string | boolean;

/** A predicate over the columns of R, with SQL's meaning of NULL (nothing equals NULL, and NULL <> x is not true). */
export type Rule<R> =
  | { op: "all" }
  | { op: "none" }
  | { op: "eq" | "ne"; key: keyof R & string; value: Value }
  | { op: "in"; key: keyof R & string; values: readonly string[] }
  | { op: "and" | "or"; rules: Rule<R>[] };

const ALL = { op: "all" } as const;
const NONE = { op: "none" } as const;
const is = <R>(key: keyof R & string, value: Value): Rule<R> => ({ op: "eq", key, value });
const isNot = <R>(key: keyof R & string, value: Value): Rule<R> => ({ op: "ne", key, value });
const oneOf = <R>(key: keyof R & string, values: readonly string[]): Rule<R> => (values.length ? { op: "in", key, values } : NONE);
const allOf = <R>(...rules: Rule<R>[]): Rule<R> => ({ op: "and", rules });
const anyOf = <R>(...rules: Rule<R>[]): Rule<R> => ({ op: "or", rules });

export type Columns<R> = { [K in keyof R]: Column | SQL };

/** The rule as a SQL condition on the given columns. */
export function ruleToSql<R>(rule: Rule<R>, columns: Columns<R>): SQL {
  switch (rule.op) {
    case "all":
      return sql`true`;
    case "none":
      return sql`false`;
    case "eq":
      return eq(columns[rule.key] as Column, rule.value);
    case "ne":
      return ne(columns[rule.key] as Column, rule.value);
    case "in":
      return inArray(columns[rule.key] as Column, [...rule.values]);
    case "and":
      return rule.rules.length ? and(...rule.rules.map((r) => ruleToSql(r, columns)))! : sql`true`;
    case "or":
      return rule.rules.length ? or(...rule.rules.map((r) => ruleToSql(r, columns)))! : sql`false`;
  }
}

/** The rule on one loaded row (or event): true exactly when the SQL would match it. */
export function ruleHolds<R>(rule: Rule<R>, row: R): boolean {
  switch (rule.op) {
    case "all":
      return true;
    case "none":
      return false;
    case "eq": {
      const v = row[rule.key] as unknown;
      return v !== null && v !== undefined && v === rule.value;
    }
    case "ne": {
      const v = row[rule.key] as unknown;
      return v !== null && v !== undefined && v !== rule.value;
    }
    case "in": {
      const v = row[rule.key] as unknown;
      return typeof v === "string" && rule.values.includes(v);
    }
    case "and":
      return rule.rules.every((r) => ruleHolds(r, row));
    case "or":
      return rule.rules.some((r) => ruleHolds(r, row));
  }
}

// ---------------------------------------------------------------- capabilities (rights not about one row)

const CAPABILITIES = {
  "organisations.create": ["coordinator"],
  "organisations.approve": ["coordinator"],
  "organisations.list": ["coordinator"],
  "users.manage": ["coordinator"],
  "services.approve": ["coordinator"],
  "imports.run": ["coordinator"],
  "reports.read": ["coordinator"],
  // Issue 15: the local holidays that working days leave out.
  "calendar.manage": ["coordinator"],
  // Issue 15: who read or changed whose details (the data-protection officer's audit).
  "audit.read": ["coordinator"],
  "referrals.send": ["referrer"],
  "referrals.overview": ["coordinator"],
  "referrals.inbox": ["provider"],
  "referrals.openWithReason": ["coordinator"],
  // Issue 18: answering a family's subject-access or erasure request (the coordinator acts as data-protection lead).
  "personalData.subjectAccess": ["coordinator"],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAPABILITIES;

export function may(user: CurrentUser, capability: Capability): boolean {
  return (CAPABILITIES[capability] as readonly Role[]).includes(user.role);
}

/** Throws Forbidden unless the user holds the capability. */
export function assertMay(user: CurrentUser, capability: Capability, message?: string): void {
  if (!may(user, capability)) throw new Forbidden(message);
}

// ---------------------------------------------------------------- organisations

/** Organisations whose services, locations and referrals the user works on (providers' memberships). */
export function memberOrganisationIds(user: CurrentUser): string[] {
  return user.role === "provider" ? user.organisations.map((o) => o.id) : [];
}

type OrganisationFacts = { id: string };
const organisationColumns: Columns<OrganisationFacts> = { id: s.organisations.id };

/** Organisations whose staff the user manages: every one for coordinators, those they administer for providers. */
function organisationAdminRule(user: CurrentUser): Rule<OrganisationFacts> {
  if (user.role === "coordinator") return ALL;
  if (user.role === "provider")
    return oneOf(
      "id",
      user.organisations.filter((o) => o.isAdmin).map((o) => o.id),
    );
  return NONE;
}

export const organisationAdminScope = (user: CurrentUser) => ruleToSql(organisationAdminRule(user), organisationColumns);
export const mayAdministerOrganisation = (user: CurrentUser, organisationId: string) => ruleHolds(organisationAdminRule(user), { id: organisationId });

/** The organisations a provider administers, to choose from (never silently the first). */
export function administeredOrganisations(user: CurrentUser): { id: string; name: string }[] {
  return user.role === "provider" ? user.organisations.filter((o) => o.isAdmin).map(({ id, name }) => ({ id, name })) : [];
}

/**
 * The organisation a page acts for, among those the user may act for: the one the request names, or the only one
 * there is. Null when they have several and named none (the page asks them to choose); Forbidden when the named one
 * is not among theirs.
 */
export function organisationFor<O extends { id: string }>(among: O[], requestedId: string | null | undefined): O | null {
  if (requestedId) {
    const named = among.find((o) => o.id === requestedId);
    if (!named) throw new Forbidden("You do not work for that organisation.");
    return named;
  }
  return among.length === 1 ? among[0]! : null;
}

/** The organisations a provider works for (staff), to choose from. */
export function memberOrganisations(user: CurrentUser): { id: string; name: string }[] {
  return user.role === "provider" ? user.organisations.map(({ id, name }) => ({ id, name })) : [];
}

// ---------------------------------------------------------------- services

type ServiceFacts = { organisationId: string };
const serviceColumns: Columns<ServiceFacts> = { organisationId: s.services.organisationId };

/** Services the user may edit (providers propose, coordinators approve): their organisations' or all. */
function serviceEditRule(user: CurrentUser): Rule<ServiceFacts> {
  if (user.role === "coordinator") return ALL;
  return oneOf("organisationId", memberOrganisationIds(user));
}

export const serviceEditScope = (user: CurrentUser) => ruleToSql(serviceEditRule(user), serviceColumns);
export const mayEditService = (user: CurrentUser, service: ServiceFacts) => ruleHolds(serviceEditRule(user), service);

// ---------------------------------------------------------------- locations

type LocationFacts = { organisationId: string };
const locationColumns: Columns<LocationFacts> = { organisationId: s.locations.organisationId };

/** Buildings are kept by their organisation's staff. */
function locationEditRule(user: CurrentUser): Rule<LocationFacts> {
  return oneOf("organisationId", memberOrganisationIds(user));
}

export const locationEditScope = (user: CurrentUser) => ruleToSql(locationEditRule(user), locationColumns);
export const mayEditLocation = (user: CurrentUser, location: LocationFacts) => ruleHolds(locationEditRule(user), location);

// ---------------------------------------------------------------- Open Referral imports

type ImportFacts = { createdBy: string | null };
const importColumns: Columns<ImportFacts> = { createdBy: s.openReferralImports.createdBy };

/** A staged import is seen, confirmed or discarded only by the coordinator who uploaded it. */
function importRule(user: CurrentUser): Rule<ImportFacts> {
  return may(user, "imports.run") ? is("createdBy", user.id) : NONE;
}

export const importScope = (user: CurrentUser) => ruleToSql(importRule(user), importColumns);
export const mayUseImport = (user: CurrentUser, row: ImportFacts) => ruleHolds(importRule(user), row);

// ---------------------------------------------------------------- referrals

/** Who is acting on a referral: a signed-in user, or a family holding the secret of its private link. */
export type Actor = { kind: "user"; user: CurrentUser; ip?: string } | { kind: "family"; secret: string; ip?: string };

export const userActor = (user: CurrentUser, ip?: string): Actor => ({ kind: "user", user, ip });

/** The ids a referral (and each live event about it) carries that decide who it concerns. */
export type ReferralRelation = { organisationId: string; referrerId: string | null; teamId: string | null };
type ReferralFacts = ReferralRelation & { state: ReferralState };

const referralColumns: Columns<ReferralFacts> = {
  organisationId: s.referrals.organisationId,
  referrerId: s.referrals.referrerId,
  teamId: s.referrals.teamId,
  state: s.referrals.state,
};

/**
 * Whom a referral concerns: coordinators all of them; providers their organisations'; referrers their own and
 * their team's (a family's own request has no referrer or team, so it concerns no referrer).
 */
function referralRelationRule(user: CurrentUser): Rule<ReferralRelation> {
  if (user.role === "coordinator") return ALL;
  if (user.role === "provider") return oneOf("organisationId", memberOrganisationIds(user));
  const own = is<ReferralRelation>("referrerId", user.id);
  return user.teamId ? anyOf(own, is("teamId", user.teamId)) : own;
}

/** What a user may see: the relation, and a provider never sees a referral before it is sent. */
function referralRule(user: CurrentUser): Rule<ReferralFacts> {
  const relation = referralRelationRule(user) as Rule<ReferralFacts>;
  return user.role === "provider" ? allOf(relation, isNot("state", "draft")) : relation;
}

/** The referrals this user may see at all, as SQL, so no query can forget it. */
export const referralScope = (user: CurrentUser) => ruleToSql(referralRule(user), referralColumns);

/** Whether a live event concerns this user: the same relation, on the event's ids. */
export const eventConcerns = (user: CurrentUser, event: ReferralRelation) => ruleHolds(referralRelationRule(user), event);

export function hashSecret(secret: string) {
  return createHash("sha256").update(secret).digest("hex");
}

export function secretMatches(secret: string, hash: string | null) {
  if (!hash) return false;
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

export function partyOfRole(role: Role): Exclude<Party, "none" | "family"> {
  return role === "coordinator" ? "coordinator" : role === "provider" ? "provider" : "referrer";
}

/** The party this actor is on this loaded referral, or "none" (then it must not learn the referral exists). */
export function partyOf(actor: Actor, row: ReferralFacts & { isSelfReferral: boolean; secretHash: string | null }): Party {
  if (actor.kind === "family") return row.isSelfReferral && secretMatches(actor.secret, row.secretHash) ? "family" : "none";
  return ruleHolds(referralRule(actor.user), row) ? partyOfRole(actor.user.role) : "none";
}

// ---------------------------------------------------------------- users and reports

/** Managing people (invite, role, deactivate) is for coordinators; nobody changes their own role or access. */
export function assertMayManageUser(actor: CurrentUser, userId: string, what: "role" | "access"): void {
  assertMay(actor, "users.manage", "Only coordinators can manage people on FORT.");
  if (actor.id === userId) throw new Refused(what === "role" ? "You cannot change your own role." : "You cannot deactivate your own account.");
}
