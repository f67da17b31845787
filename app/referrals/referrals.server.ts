// Referrals: sending, every change of state, messages, and reading them — each query scoped inside its SQL to
// what the caller may see. Every change of state goes through changeState(), which checks the state machine,
// refuses a change made from a stale page or lost in a race, writes history, mail and the live announcement
// in the same transaction. See docs/decisions/0010.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, or, sql, type SQL } from "drizzle-orm";
import * as s from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { type Database, getDb } from "../db.server";
import { isUuid } from "../directory/services.server";
import { queueMail } from "../mail/mail.server";
import { announce } from "./live.server";
import { selfReferralSecret } from "./idempotency.server";
import { referralArea } from "../reports/areas.server";
import { type ReferralInput, needsOf, normalisePostcode } from "./forms";
import {
  ACTION_PAST,
  CLOSE_OUTCOMES,
  DECLINE_REASONS,
  type Party,
  type ReferralAction,
  type ReferralState,
  STATE_LABELS,
  allowedActions,
  decide,
} from "./state-machine";
import { INBOX_TABS, type InboxTab } from "./inbox";
import { overdueCutoff } from "./working-days";

// ---------------------------------------------------------------- who is asking

export type Actor = { kind: "user"; user: CurrentUser; ip?: string } | { kind: "family"; secret: string; ip?: string };

interface Relation {
  referrerId: string | null;
  teamId: string | null;
  organisationId: string;
  isSelfReferral: boolean;
  secretHash: string | null;
}

export function hashSecret(secret: string) {
  return createHash("sha256").update(secret).digest("hex");
}

function secretMatches(secret: string, hash: string | null) {
  if (!hash) return false;
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The party this actor is on this referral, or "none". */
export function partyOf(actor: Actor, r: Relation): Party {
  if (actor.kind === "family") return r.isSelfReferral && secretMatches(actor.secret, r.secretHash) ? "family" : "none";
  const u = actor.user;
  if (u.role === "coordinator") return "coordinator";
  if (u.role === "provider") return u.organisations.some((o) => o.id === r.organisationId) ? "provider" : "none";
  if (u.role === "referrer" && !r.isSelfReferral) {
    if (r.referrerId === u.id || (u.teamId !== null && r.teamId === u.teamId)) return "referrer";
  }
  return "none";
}

/** The rows this user may see at all, as SQL, so no query can forget it. */
function visibleTo(user: CurrentUser): SQL {
  if (user.role === "coordinator") return sql`true`;
  if (user.role === "provider") {
    const ids = user.organisations.map((o) => o.id);
    return ids.length ? and(inArray(s.referrals.organisationId, ids), ne(s.referrals.state, "draft"))! : sql`false`;
  }
  const own = eq(s.referrals.referrerId, user.id);
  return user.teamId ? or(own, eq(s.referrals.teamId, user.teamId))! : own;
}

/** Whether the referral exists for this user at all; actions check it before reading their input. */
export async function canSeeReferral(user: CurrentUser, referralId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(referralId)) return false;
  const db = await getDb();
  const [row] = await db.select({ id: s.referrals.id }).from(s.referrals).where(and(eq(s.referrals.id, referralId), visibleTo(user)));
  return Boolean(row);
}

function partyOfUser(user: CurrentUser): Exclude<Party, "none"> {
  return user.role === "coordinator" ? "coordinator" : user.role === "provider" ? "provider" : "referrer";
}

function actorLabel(actor: Actor) {
  return actor.kind === "family" ? "The family" : actor.user.name;
}

// ---------------------------------------------------------------- errors

export class ReferralNotFound extends Error {
  constructor() {
    super("We could not find that referral, or you do not have access to it.");
  }
}

/** Someone else changed the referral first: the message names them and the state it is in now. */
export class ReferralConflict extends Error {
  constructor(
    public readonly updatedBy: string,
    public readonly state: ReferralState,
  ) {
    super(`This referral was just updated by ${updatedBy}. It is now: ${STATE_LABELS[state]}. Here is its current state; check it before you try again.`);
  }
}

export class ReferralRefused extends Error {}

// ---------------------------------------------------------------- references and logging

const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export function newReference() {
  const bytes = randomBytes(8);
  const chars = Array.from(bytes, (b) => REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length]);
  return `FR-${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
}

export type AccessKind = "viewed" | "changed" | "opened_with_reason" | "family_viewed" | "family_changed";

export async function logAccess(entry: { referralId: string; userId: string | null; kind: AccessKind; reason?: string; ip?: string }, tx?: Database) {
  const db = tx ?? (await getDb());
  await db.insert(s.referralAccessLog).values({ ...entry, at: clock.now() });
}

function link(path: string) {
  return `${config().APP_URL}${path}`;
}

// ---------------------------------------------------------------- drafts

/**
 * Saves the form as typed. An autosave naming a draft that no longer exists (it was just sent) creates nothing,
 * so a late autosave cannot resurrect a sent referral as a draft.
 */
export async function saveDraft(user: CurrentUser, values: Record<string, string | string[]>, draftId?: string, options: { recreate?: boolean } = {}): Promise<string | null> {
  const db = await getDb();
  // Only form values are kept; intent and the draft id itself are not part of the draft.
  const { intent: _intent, draftId: _draftId, ...kept } = values;
  if (draftId && isUuid(draftId)) {
    const [updated] = await db
      .update(s.referralDrafts)
      .set({ values: kept, updatedAt: clock.now() })
      .where(and(eq(s.referralDrafts.id, draftId), eq(s.referralDrafts.ownerId, user.id)))
      .returning({ id: s.referralDrafts.id });
    if (updated) return updated.id;
    if (options.recreate === false) return null;
  }
  const [created] = await db.insert(s.referralDrafts).values({ ownerId: user.id, values: kept }).returning({ id: s.referralDrafts.id });
  return created!.id;
}

export async function getDraft(user: CurrentUser, draftId: string) {
  if (!isUuid(draftId)) return null;
  const db = await getDb();
  const [draft] = await db
    .select({ id: s.referralDrafts.id, values: s.referralDrafts.values, updatedAt: s.referralDrafts.updatedAt })
    .from(s.referralDrafts)
    .where(and(eq(s.referralDrafts.id, draftId), eq(s.referralDrafts.ownerId, user.id)));
  return draft ?? null;
}

export async function listDrafts(user: CurrentUser) {
  const db = await getDb();
  const rows = await db
    .select({ id: s.referralDrafts.id, values: s.referralDrafts.values, updatedAt: s.referralDrafts.updatedAt })
    .from(s.referralDrafts)
    .where(eq(s.referralDrafts.ownerId, user.id))
    .orderBy(desc(s.referralDrafts.updatedAt));
  return rows.map((d) => ({ id: d.id, updatedAt: d.updatedAt, childName: typeof d.values.childName === "string" && d.values.childName ? d.values.childName : "(no name yet)" }));
}

export async function deleteDraft(user: CurrentUser, draftId: string, tx?: Database) {
  if (!isUuid(draftId)) return;
  const db = tx ?? (await getDb());
  await db.delete(s.referralDrafts).where(and(eq(s.referralDrafts.id, draftId), eq(s.referralDrafts.ownerId, user.id)));
}

// ---------------------------------------------------------------- changing state

export interface TransitionDetails {
  note?: string;
  reason?: keyof typeof DECLINE_REASONS;
  reasonOther?: string;
  suggestedServiceId?: string;
  outcome?: keyof typeof CLOSE_OUTCOMES;
  outcomeOther?: string;
  needOutcomes?: Record<string, string>;
  toServiceId?: string;
}

const lockedColumns = {
  id: s.referrals.id,
  reference: s.referrals.reference,
  state: s.referrals.state,
  version: s.referrals.version,
  serviceId: s.referrals.serviceId,
  organisationId: s.referrals.organisationId,
  referrerId: s.referrals.referrerId,
  teamId: s.referrals.teamId,
  isSelfReferral: s.referrals.isSelfReferral,
  secretHash: s.referrals.secretHash,
  updatedByLabel: s.referrals.updatedByLabel,
  firstResponseAt: s.referrals.firstResponseAt,
  parentEmail: s.referrals.parentEmail,
  needs: s.referrals.needs,
};

type LockedReferral = { [K in keyof typeof lockedColumns]: (typeof lockedColumns)[K]["_"]["data"] } & {
  needs: { code: string; description: string }[];
};

/**
 * The one way a referral's state changes. Locks the row, checks the version the user saw, asks the state
 * machine, applies the change and records it: a history row, the access log, mail to the other side and a
 * live announcement, all in one transaction.
 */
export async function changeState(
  actor: Actor,
  referralId: string,
  action: ReferralAction,
  expectedVersion: number,
  details: TransitionDetails = {},
  tx?: Database,
): Promise<{ state: ReferralState; version: number }> {
  if (!isUuid(referralId)) throw new ReferralNotFound();
  const run = async (t: Database) => {
    const [row] = (await t.select(lockedColumns).from(s.referrals).where(eq(s.referrals.id, referralId)).for("update")) as LockedReferral[];
    if (!row) throw new ReferralNotFound();
    const seenAs = partyOf(actor, row);
    // Someone with no relation to the referral learns nothing, not even that it exists.
    if (seenAs === "none" || (seenAs === "provider" && row.state === "draft")) throw new ReferralNotFound();
    const party: Exclude<Party, "none"> = seenAs;
    if (row.version !== expectedVersion) throw new ReferralConflict(row.updatedByLabel ?? "someone else", row.state);
    const decision = decide(row.state, action, party);
    if (!decision.allowed) throw new ReferralRefused(decision.reason);
    const now = clock.now();
    const userId = actor.kind === "user" ? actor.user.id : null;
    const label = actorLabel(actor);

    const change: Partial<typeof s.referrals.$inferInsert> = {
      state: decision.to,
      version: row.version + 1,
      updatedBy: userId,
      updatedByLabel: label,
      updatedAt: now,
      lastActivityAt: now,
      lastActivityParty: party,
    };
    let target: { serviceId: string; organisationId: string; name: string } | undefined;
    if (action === "submit") change.sentAt = now;
    if (["accept", "decline", "request_info"].includes(action) && !row.firstResponseAt) change.firstResponseAt = now;
    if (["decline", "close", "withdraw"].includes(action)) change.closedAt = now;
    if (action === "decline") {
      if (!details.reason) throw new ReferralRefused("Choose why you are declining.");
      change.declineReason = details.reason === "other" ? `other: ${details.reasonOther ?? ""}` : details.reason;
      change.suggestedServiceId = details.suggestedServiceId ?? null;
    }
    if (action === "close") {
      if (!details.outcome) throw new ReferralRefused("Choose the outcome.");
      const missing = row.needs.filter((n) => !details.needOutcomes?.[n.code]);
      if (missing.length) throw new ReferralRefused("Record the outcome for each need the referral was about.");
      change.closeOutcome = details.outcome === "other" ? `other: ${details.outcomeOther ?? ""}` : details.outcome;
      change.needOutcomes = details.needOutcomes ?? {};
    }
    if (action === "forward") {
      if (!details.toServiceId || !isUuid(details.toServiceId) || details.toServiceId === row.serviceId) throw new ReferralRefused("Choose another service to forward it to.");
      const [service] = await t
        .select({ id: s.services.id, organisationId: s.services.organisationId, name: s.services.name })
        .from(s.services)
        .where(
          and(
            eq(s.services.id, details.toServiceId),
            eq(s.services.publication, "published"),
            eq(s.services.status, "active"),
            row.isSelfReferral ? eq(s.services.acceptsSelfReferrals, true) : eq(s.services.acceptsProfessionalReferrals, true),
          ),
        );
      if (!service) throw new ReferralRefused("That service cannot take referrals at the moment; choose another.");
      target = { serviceId: service.id, organisationId: service.organisationId, name: service.name };
      Object.assign(change, { serviceId: service.id, organisationId: service.organisationId, sentAt: now, firstResponseAt: null });
    }

    const [updated] = await t
      .update(s.referrals)
      .set(change)
      .where(and(eq(s.referrals.id, row.id), eq(s.referrals.version, expectedVersion)))
      .returning({ state: s.referrals.state, version: s.referrals.version, organisationId: s.referrals.organisationId });
    // The row is locked, so this only happens if the lock was not honoured; refuse rather than double-apply.
    if (!updated) throw new ReferralConflict("someone else", row.state);

    const reasonText =
      action === "decline" ? (details.reason === "other" ? details.reasonOther : DECLINE_REASONS[details.reason!]) : action === "close" ? (details.outcome === "other" ? details.outcomeOther : CLOSE_OUTCOMES[details.outcome!]) : null;
    await t.insert(s.referralHistory).values({
      referralId: row.id,
      at: now,
      actorId: userId,
      actorLabel: label,
      party,
      action,
      fromState: row.state,
      toState: decision.to,
      reason: reasonText ?? null,
      note: details.note || null,
      fromServiceId: action === "forward" ? row.serviceId : null,
      toServiceId: target?.serviceId ?? null,
    });
    await logAccess({ referralId: row.id, userId, kind: actor.kind === "family" ? "family_changed" : "changed", ip: actor.ip }, t);
    await notifyOtherSide(t, { ...row, organisationId: updated.organisationId }, party, `${ACTION_PAST[action]}: ${STATE_LABELS[decision.to].toLowerCase()}`, action);
    if (action === "forward") await announce({ referralId: row.id, organisationId: row.organisationId, referrerId: row.referrerId, teamId: row.teamId, kind: "state" }, t);
    await announce({ referralId: row.id, organisationId: updated.organisationId, referrerId: row.referrerId, teamId: row.teamId, kind: "state" }, t);
    return { state: updated.state, version: updated.version };
  };
  if (tx) return run(tx);
  return (await getDb()).transaction(run);
}

/** Mail to whoever did not act: the provider's intake address, or the referrer, or (news only) the family. No child's details. */
async function notifyOtherSide(t: Database, r: Pick<LockedReferral, "id" | "reference" | "organisationId" | "referrerId" | "isSelfReferral" | "parentEmail">, party: Party, what: string, action: ReferralAction | "message") {
  const privacy = "For the child's privacy this email has no personal details in it. Sign in to FORT to read the referral.";
  if (party === "referrer" || party === "family") {
    const [org] = await t.select({ intakeEmail: s.organisations.intakeEmail }).from(s.organisations).where(eq(s.organisations.id, r.organisationId));
    if (org?.intakeEmail) {
      const isNew = action === "submit" || action === "forward";
      await queueMail(
        {
          to: org.intakeEmail,
          subject: isNew ? `New referral ${r.reference} on FORT` : `Referral ${r.reference}: ${what}`,
          text: `${isNew ? "A new referral has been sent to your organisation" : `There is news on referral ${r.reference}: ${what}`}.\n\nOpen it: ${link(`/referrals/${r.id}`)}\n\n${privacy}\n`,
        },
        t,
      );
    }
  }
  if (party === "provider") {
    if (action === "forward") {
      const [org] = await t.select({ intakeEmail: s.organisations.intakeEmail }).from(s.organisations).where(eq(s.organisations.id, r.organisationId));
      if (org?.intakeEmail)
        await queueMail({ to: org.intakeEmail, subject: `New referral ${r.reference} on FORT`, text: `A referral has been forwarded to your organisation.\n\nOpen it: ${link(`/referrals/${r.id}`)}\n\n${privacy}\n` }, t);
    }
    if (r.referrerId) {
      const [referrer] = await t.select({ email: s.users.email, active: s.users.active }).from(s.users).where(eq(s.users.id, r.referrerId));
      if (referrer?.active)
        await queueMail({ to: referrer.email, subject: `Referral ${r.reference}: ${what}`, text: `There is news on referral ${r.reference}: ${what}.\n\nOpen it: ${link(`/referrals/${r.id}`)}\n\n${privacy}\n` }, t);
    } else if (r.isSelfReferral && r.parentEmail) {
      await queueMail(
        {
          to: r.parentEmail,
          subject: `Your request ${r.reference} on FORT`,
          text: `There is news on your request ${r.reference}. Open the private link you were given when you sent it to read it.\n`,
        },
        t,
      );
    }
  }
}

// ---------------------------------------------------------------- sending

function referrerReferralValues(user: CurrentUser, input: ReferralInput) {
  return {
    idempotencyKey: input.idempotencyKey ?? null, // issue 11: a second send of the same form hits the unique index
    referrerId: user.id,
    teamId: user.teamId,
    childName: input.childName,
    childDateOfBirth: input.childDateOfBirth,
    childPostcode: normalisePostcode(input.childPostcode),
    childSchool: input.childSchool ?? null,
    parentName: input.parentName,
    parentRelationship: input.parentRelationship,
    parentPhone: input.parentPhone ?? null,
    parentEmail: input.parentEmail ?? null,
    contactPreference: input.contactPreference,
    contactTimes: input.contactTimes ?? null,
    needs: needsOf(input),
    tried: input.tried ?? null,
    familyWants: input.familyWants,
    urgency: input.urgency,
    language: input.language ?? null,
    interpreterNeeded: input.interpreterNeeded ?? false,
    accessibilityNeeds: input.accessibilityNeeds ?? null,
    consentGivenBy: input.consentGivenBy,
    consentDate: input.consentDate,
    consentMethod: input.consentMethod,
    consentLimits: input.consentLimits ?? null,
    childViews: input.childViews ?? null,
  };
}

/** Sends one referral to each chosen service (a group), from the draft when there is one. */
export async function sendReferral(user: CurrentUser, input: ReferralInput, ip?: string): Promise<{ groupId: string; ids: string[] }> {
  if (user.role !== "referrer") throw new ReferralRefused("Only referrers can send referrals.");
  if (!input.consentConfirmed) throw new ReferralRefused("A referral cannot be sent without the family's consent.");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const groupId = crypto.randomUUID();
    const ids: string[] = [];
    const services = await tx.select({ id: s.services.id, organisationId: s.services.organisationId }).from(s.services).where(inArray(s.services.id, input.serviceIds));
    for (const serviceId of input.serviceIds) {
      const service = services.find((x) => x.id === serviceId);
      if (!service) throw new ReferralRefused("One of the chosen services no longer exists.");
      const [row] = await tx
        .insert(s.referrals)
        .values({ ...referrerReferralValues(user, input), ...referralArea(input.childPostcode), groupId, reference: newReference(), serviceId, organisationId: service.organisationId, state: "draft", updatedBy: user.id, updatedByLabel: user.name })
        .returning({ id: s.referrals.id });
      await changeState({ kind: "user", user, ip }, row!.id, "submit", 1, {}, tx);
      ids.push(row!.id);
    }
    if (input.draftId) await deleteDraft(user, input.draftId, tx);
    return { groupId, ids };
  });
}

export interface SelfReferralInput {
  /** issue 11: the form's one-time key; the family's secret is derived from it, so a resubmission can show the same link. */
  idempotencyKey?: string;
  parentName: string;
  contactPreference: "phone" | "text" | "email";
  parentPhone?: string;
  parentEmail?: string;
  contactTimes?: string;
  childAge: number;
  childPostcode?: string;
  familyWants: string;
  language?: string;
}

/** A family's own request. Returns the reference and the secret for its private link (shown once, only its hash kept). */
export async function createSelfReferral(serviceId: string, input: SelfReferralInput, ip?: string): Promise<{ id: string; reference: string; secret: string }> {
  const db = await getDb();
  const secret = input.idempotencyKey ? selfReferralSecret(input.idempotencyKey) : randomBytes(24).toString("base64url");
  return db.transaction(async (tx) => {
    const [service] = await tx
      .select({ organisationId: s.services.organisationId })
      .from(s.services)
      .where(and(eq(s.services.id, serviceId), eq(s.services.publication, "published"), eq(s.services.acceptsSelfReferrals, true)));
    if (!service) throw new ReferralNotFound();
    const reference = newReference();
    const today = clock.now().toISOString().slice(0, 10);
    const [row] = await tx
      .insert(s.referrals)
      .values({
        groupId: crypto.randomUUID(),
        reference,
        serviceId,
        organisationId: service.organisationId,
        isSelfReferral: true,
        secretHash: hashSecret(secret),
        idempotencyKey: input.idempotencyKey ?? null, // issue 11
        state: "draft",
        childName: "Not given (family request)",
        childAgeYears: input.childAge,
        childPostcode: input.childPostcode ? normalisePostcode(input.childPostcode) : null,
        ...referralArea(input.childPostcode),
        parentName: input.parentName,
        parentRelationship: "Parent or carer (self-referral)",
        parentPhone: input.parentPhone ?? null,
        parentEmail: input.parentEmail ?? null,
        contactPreference: input.contactPreference,
        contactTimes: input.contactTimes ?? null,
        familyWants: input.familyWants,
        language: input.language ?? null,
        consentGivenBy: input.parentName,
        consentDate: today,
        consentMethod: "online",
        updatedByLabel: "The family",
      })
      .returning({ id: s.referrals.id });
    await changeState({ kind: "family", secret, ip }, row!.id, "submit", 1, {}, tx);
    return { id: row!.id, reference, secret };
  });
}

// ---------------------------------------------------------------- messages

export async function postMessage(actor: Actor, referralId: string, body: string, visibleToFamily = false) {
  if (!isUuid(referralId)) throw new ReferralNotFound();
  const db = await getDb();
  await db.transaction(async (t) => {
    const [row] = (await t.select(lockedColumns).from(s.referrals).where(eq(s.referrals.id, referralId))) as LockedReferral[];
    if (!row) throw new ReferralNotFound();
    const seenAs = partyOf(actor, row);
    if (seenAs === "none" || (seenAs === "provider" && row.state === "draft")) throw new ReferralNotFound();
    const party: Exclude<Party, "none"> = seenAs;
    if (party === "coordinator") throw new ReferralRefused("Coordinators cannot write on a referral.");
    if (row.state === "draft") throw new ReferralRefused("Send the referral before writing messages on it.");
    const now = clock.now();
    await t.insert(s.referralMessages).values({
      referralId,
      authorId: actor.kind === "user" ? actor.user.id : null,
      authorLabel: actorLabel(actor),
      party,
      body,
      // The family always sees its own messages; others choose.
      visibleToFamily: party === "family" ? true : row.isSelfReferral && visibleToFamily,
      createdAt: now,
    });
    await t.update(s.referrals).set({ lastActivityAt: now, lastActivityParty: party }).where(eq(s.referrals.id, referralId));
    await logAccess({ referralId, userId: actor.kind === "user" ? actor.user.id : null, kind: actor.kind === "family" ? "family_changed" : "changed", ip: actor.ip }, t);
    await notifyOtherSide(t, row, party, "a new message", "message");
    await announce({ referralId, organisationId: row.organisationId, referrerId: row.referrerId, teamId: row.teamId, kind: "message" }, t);
  });
}

// ---------------------------------------------------------------- reading one referral

const detailColumns = {
  id: s.referrals.id,
  groupId: s.referrals.groupId,
  reference: s.referrals.reference,
  state: s.referrals.state,
  version: s.referrals.version,
  isSelfReferral: s.referrals.isSelfReferral,
  serviceId: s.referrals.serviceId,
  serviceName: s.services.name,
  organisationId: s.referrals.organisationId,
  organisationName: s.organisations.name,
  referrerId: s.referrals.referrerId,
  referrerName: s.users.name,
  referrerEmail: s.users.email,
  teamId: s.referrals.teamId,
  urgency: s.referrals.urgency,
  createdAt: s.referrals.createdAt,
  sentAt: s.referrals.sentAt,
  firstResponseAt: s.referrals.firstResponseAt,
  closedAt: s.referrals.closedAt,
  declineReason: s.referrals.declineReason,
  suggestedServiceId: s.referrals.suggestedServiceId,
  suggestedServiceName: sql<string | null>`(select name from ${s.services} where id = ${s.referrals.suggestedServiceId})`,
  closeOutcome: s.referrals.closeOutcome,
  needOutcomes: s.referrals.needOutcomes,
  needs: s.referrals.needs,
  updatedByLabel: s.referrals.updatedByLabel,
};

const personalColumns = {
  childName: s.referrals.childName,
  childDateOfBirth: s.referrals.childDateOfBirth,
  childAgeYears: s.referrals.childAgeYears,
  childPostcode: s.referrals.childPostcode,
  childSchool: s.referrals.childSchool,
  parentName: s.referrals.parentName,
  parentRelationship: s.referrals.parentRelationship,
  parentPhone: s.referrals.parentPhone,
  parentEmail: s.referrals.parentEmail,
  contactPreference: s.referrals.contactPreference,
  contactTimes: s.referrals.contactTimes,
  tried: s.referrals.tried,
  familyWants: s.referrals.familyWants,
  language: s.referrals.language,
  interpreterNeeded: s.referrals.interpreterNeeded,
  accessibilityNeeds: s.referrals.accessibilityNeeds,
  consentGivenBy: s.referrals.consentGivenBy,
  consentDate: s.referrals.consentDate,
  consentMethod: s.referrals.consentMethod,
  consentLimits: s.referrals.consentLimits,
  childViews: s.referrals.childViews,
};

const COORDINATOR_GRANT_MINUTES = 60;

async function coordinatorHasGrant(userId: string, referralId: string) {
  const db = await getDb();
  const since = new Date(clock.now().getTime() - COORDINATOR_GRANT_MINUTES * 60_000);
  const [grant] = await db
    .select({ id: s.referralAccessLog.id })
    .from(s.referralAccessLog)
    .where(and(eq(s.referralAccessLog.referralId, referralId), eq(s.referralAccessLog.userId, userId), eq(s.referralAccessLog.kind, "opened_with_reason"), gt(s.referralAccessLog.at, since)))
    .limit(1);
  return Boolean(grant);
}

/** A coordinator opens the personal details for a stated reason; the reason is kept in the access log. */
export async function openDetailsWithReason(user: CurrentUser, referralId: string, reason: string, ip?: string) {
  if (user.role !== "coordinator" || !isUuid(referralId)) throw new ReferralNotFound();
  const db = await getDb();
  const [row] = await db.select({ id: s.referrals.id }).from(s.referrals).where(and(eq(s.referrals.id, referralId), ne(s.referrals.state, "draft")));
  if (!row) throw new ReferralNotFound();
  await logAccess({ referralId, userId: user.id, kind: "opened_with_reason", reason, ip });
}

/**
 * One referral as this user may see it, or null (also when it exists but is not theirs: no oracle).
 * Personal details are included for its referrer's team and its provider, and for a coordinator who gave a reason.
 * Every read of personal details is logged.
 */
export async function getReferral(user: CurrentUser, referralId: string, ip?: string) {
  if (!isUuid(referralId)) return null;
  const db = await getDb();
  const [row] = await db
    .select({ ...detailColumns, ...personalColumns, isSelf: s.referrals.isSelfReferral, relTeam: s.referrals.teamId })
    .from(s.referrals)
    .innerJoin(s.services, eq(s.services.id, s.referrals.serviceId))
    .innerJoin(s.organisations, eq(s.organisations.id, s.referrals.organisationId))
    .leftJoin(s.users, eq(s.users.id, s.referrals.referrerId))
    .where(and(eq(s.referrals.id, referralId), ne(s.referrals.state, "draft"), visibleTo(user)));
  if (!row) return null;
  const party = partyOf({ kind: "user", user }, { ...row, secretHash: null });
  if (party === "none") return null;
  const showPersonal = party !== "coordinator" || (await coordinatorHasGrant(user.id, referralId));
  const { isSelf: _a, relTeam: _b, ...rest } = row;
  const base = Object.fromEntries(Object.keys(detailColumns).map((k) => [k, rest[k as keyof typeof rest]])) as { [K in keyof typeof detailColumns]: (typeof rest)[K] };
  const personal = showPersonal ? (Object.fromEntries(Object.keys(personalColumns).map((k) => [k, rest[k as keyof typeof rest]])) as { [K in keyof typeof personalColumns]: (typeof rest)[K] }) : null;
  if (personal) await logAccess({ referralId, userId: user.id, kind: "viewed", ip });

  const [history, messages, group] = await Promise.all([
    db
      .select({
        id: s.referralHistory.id,
        at: s.referralHistory.at,
        actorLabel: s.referralHistory.actorLabel,
        party: s.referralHistory.party,
        action: s.referralHistory.action,
        fromState: s.referralHistory.fromState,
        toState: s.referralHistory.toState,
        reason: s.referralHistory.reason,
        note: s.referralHistory.note,
        toServiceName: sql<string | null>`(select name from ${s.services} where id = ${s.referralHistory.toServiceId})`,
      })
      .from(s.referralHistory)
      .where(eq(s.referralHistory.referralId, referralId))
      .orderBy(asc(s.referralHistory.at), asc(s.referralHistory.id)),
    // Coordinators see states and figures, not the conversation, unless they gave a reason.
    showPersonal
      ? db
          .select({ id: s.referralMessages.id, at: s.referralMessages.createdAt, authorLabel: s.referralMessages.authorLabel, party: s.referralMessages.party, body: s.referralMessages.body, visibleToFamily: s.referralMessages.visibleToFamily })
          .from(s.referralMessages)
          .where(eq(s.referralMessages.referralId, referralId))
          .orderBy(asc(s.referralMessages.createdAt))
      : Promise.resolve([]),
    db
      .select({ id: s.referrals.id, reference: s.referrals.reference, serviceName: s.services.name, state: s.referrals.state })
      .from(s.referrals)
      .innerJoin(s.services, eq(s.services.id, s.referrals.serviceId))
      .where(and(eq(s.referrals.groupId, row.groupId), ne(s.referrals.id, referralId), visibleTo(user))),
  ]);
  if (party !== "coordinator") {
    await db
      .insert(s.referralReads)
      .values({ userId: user.id, referralId, seenAt: clock.now() })
      .onConflictDoUpdate({ target: [s.referralReads.userId, s.referralReads.referralId], set: { seenAt: clock.now() } });
  }
  return {
    ...base,
    personal,
    party,
    actions: allowedActions(row.state, party),
    history: history.map((h) => (showPersonal ? h : { ...h, note: null })),
    messages,
    group,
  };
}

export type ReferralView = NonNullable<Awaited<ReturnType<typeof getReferral>>>;

/** The family's view through its secret link: state, timeline without internal notes, messages meant for them. */
export async function getTrackedReferral(reference: string, secret: string, ip?: string) {
  if (!/^FR-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(reference) || !secret || secret.length > 200) return null;
  const db = await getDb();
  const [row] = await db
    .select({
      id: s.referrals.id,
      reference: s.referrals.reference,
      state: s.referrals.state,
      version: s.referrals.version,
      secretHash: s.referrals.secretHash,
      serviceName: s.services.name,
      organisationName: s.organisations.name,
      sentAt: s.referrals.sentAt,
      declineReason: s.referrals.declineReason,
      closeOutcome: s.referrals.closeOutcome,
    })
    .from(s.referrals)
    .innerJoin(s.services, eq(s.services.id, s.referrals.serviceId))
    .innerJoin(s.organisations, eq(s.organisations.id, s.referrals.organisationId))
    .where(and(eq(s.referrals.reference, reference), eq(s.referrals.isSelfReferral, true)));
  if (!row || !secretMatches(secret, row.secretHash)) return null;
  await logAccess({ referralId: row.id, userId: null, kind: "family_viewed", ip });
  const [history, messages] = await Promise.all([
    db
      .select({ id: s.referralHistory.id, at: s.referralHistory.at, action: s.referralHistory.action, toState: s.referralHistory.toState, reason: s.referralHistory.reason, party: s.referralHistory.party })
      .from(s.referralHistory)
      .where(eq(s.referralHistory.referralId, row.id))
      .orderBy(asc(s.referralHistory.at), asc(s.referralHistory.id)),
    db
      .select({ id: s.referralMessages.id, at: s.referralMessages.createdAt, party: s.referralMessages.party, body: s.referralMessages.body })
      .from(s.referralMessages)
      .where(and(eq(s.referralMessages.referralId, row.id), eq(s.referralMessages.visibleToFamily, true)))
      .orderBy(asc(s.referralMessages.createdAt)),
  ]);
  const { secretHash: _hash, ...rest } = row;
  return { ...rest, history, messages, actions: allowedActions(row.state, "family") };
}

// ---------------------------------------------------------------- lists

const listColumns = (userId: string) => ({
  id: s.referrals.id,
  reference: s.referrals.reference,
  state: s.referrals.state,
  urgency: s.referrals.urgency,
  isSelfReferral: s.referrals.isSelfReferral,
  serviceId: s.referrals.serviceId,
  serviceName: s.services.name,
  organisationName: s.organisations.name,
  referrerId: s.referrals.referrerId,
  referrerName: s.users.name,
  sentAt: s.referrals.sentAt,
  firstResponseAt: s.referrals.firstResponseAt,
  closedAt: s.referrals.closedAt,
  declineReason: s.referrals.declineReason,
  closeOutcome: s.referrals.closeOutcome,
  lastActivityAt: s.referrals.lastActivityAt,
  seenAt: sql<Date | null>`(select seen_at from ${s.referralReads} rr where rr.referral_id = ${s.referrals.id} and rr.user_id = ${userId})`,
  lastActivityParty: s.referrals.lastActivityParty,
});

function changedFor(party: Party, row: { lastActivityAt: Date; seenAt: Date | string | null; lastActivityParty: Party | null }) {
  if (row.lastActivityParty === party) return false;
  if (!row.seenAt) return true;
  return new Date(row.seenAt).getTime() < row.lastActivityAt.getTime();
}

/** Short name for lists: first name and initial, enough to recognise without spreading the full name around. */
function shortName(name: string) {
  const parts = name.trim().split(/\s+/);
  return parts.length > 1 ? `${parts[0]} ${parts[parts.length - 1]![0]}.` : parts[0]!;
}



export interface ListFilters {
  tab?: InboxTab;
  serviceId?: string;
  urgency?: "routine" | "soon" | "urgent";
  overdueOnly?: boolean;
  sort?: "oldest" | "newest" | "urgency";
}

function overdueSql(now: Date) {
  const cutoff = overdueCutoff(now, config().REFERRAL_OVERDUE_WORKING_DAYS);
  return and(eq(s.referrals.state, "sent"), isNull(s.referrals.firstResponseAt), lt(s.referrals.sentAt, cutoff))!;
}

async function listFor(user: CurrentUser, filters: ListFilters, withChildName: boolean) {
  const db = await getDb();
  const now = clock.now();
  const conditions: SQL[] = [visibleTo(user), ne(s.referrals.state, "draft")];
  if (filters.tab) conditions.push(inArray(s.referrals.state, [...INBOX_TABS[filters.tab].states]));
  if (filters.serviceId && isUuid(filters.serviceId)) conditions.push(eq(s.referrals.serviceId, filters.serviceId));
  if (filters.urgency) conditions.push(eq(s.referrals.urgency, filters.urgency));
  if (filters.overdueOnly) conditions.push(overdueSql(now));
  const order =
    filters.sort === "newest"
      ? [desc(s.referrals.sentAt)]
      : filters.sort === "urgency"
        ? [sql`case ${s.referrals.urgency} when 'urgent' then 0 when 'soon' then 1 else 2 end`, asc(s.referrals.sentAt)]
        : [asc(s.referrals.sentAt)];
  const rows = await db
    .select({ ...listColumns(user.id), ...(withChildName ? { childName: s.referrals.childName } : {}), overdue: sql<boolean>`(${overdueSql(now)})` })
    .from(s.referrals)
    .innerJoin(s.services, eq(s.services.id, s.referrals.serviceId))
    .innerJoin(s.organisations, eq(s.organisations.id, s.referrals.organisationId))
    .leftJoin(s.users, eq(s.users.id, s.referrals.referrerId))
    .where(and(...conditions))
    .orderBy(...order, asc(s.referrals.id))
    .limit(500);
  const party = partyOfUser(user);
  return rows.map(({ seenAt, lastActivityParty, ...r }) => ({
    ...r,
    childName: "childName" in r && typeof r.childName === "string" ? (r.isSelfReferral ? "Family request" : shortName(r.childName)) : null,
    changed: party !== "coordinator" && changedFor(party, { lastActivityAt: r.lastActivityAt, seenAt, lastActivityParty }),
  }));
}

export type ReferralListItem = Awaited<ReturnType<typeof listFor>>[number];

export async function providerInbox(user: CurrentUser, filters: ListFilters) {
  if (user.role !== "provider") return { items: [], counts: {} as Record<InboxTab, number>, services: [] };
  const db = await getDb();
  const items = await listFor(user, filters, true);
  const countRows = await db
    .select({ state: s.referrals.state, n: sql<number>`count(*)::int` })
    .from(s.referrals)
    .where(and(visibleTo(user), ne(s.referrals.state, "draft")))
    .groupBy(s.referrals.state);
  const counts = Object.fromEntries(
    (Object.keys(INBOX_TABS) as InboxTab[]).map((tab) => [tab, countRows.filter((c) => (INBOX_TABS[tab].states as readonly string[]).includes(c.state)).reduce((a, c) => a + c.n, 0)]),
  ) as Record<InboxTab, number>;
  const services = await db
    .select({ id: s.services.id, name: s.services.name })
    .from(s.services)
    .where(inArray(s.services.organisationId, user.organisations.map((o) => o.id).concat("00000000-0000-0000-0000-000000000000")))
    .orderBy(s.services.name);
  return { items, counts, services };
}

export async function referrerDashboard(user: CurrentUser) {
  if (user.role !== "referrer") return null;
  const items = await listFor(user, { sort: "newest" }, true);
  return {
    items,
    needsAnswer: items.filter((i) => i.state === "info_requested"),
    changed: items.filter((i) => i.changed),
    overdue: items.filter((i) => i.overdue),
    drafts: await listDrafts(user),
  };
}

/** Every referral's status for coordinators: no child's or family's details. */
export async function coordinatorOverview(user: CurrentUser, filters: ListFilters) {
  if (user.role !== "coordinator") return [];
  return listFor(user, filters, false);
}

/** Referrals with news for this user since they last opened them (one's own changes are not news). */
export async function unreadCount(user: CurrentUser): Promise<number> {
  if (user.role === "coordinator") return 0;
  const db = await getDb();
  const party = partyOfUser(user);
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(s.referrals)
    .leftJoin(s.referralReads, and(eq(s.referralReads.referralId, s.referrals.id), eq(s.referralReads.userId, user.id)))
    .where(
      and(
        visibleTo(user),
        ne(s.referrals.state, "draft"),
        or(isNull(s.referrals.lastActivityParty), ne(s.referrals.lastActivityParty, party)),
        or(isNull(s.referralReads.seenAt), lt(s.referralReads.seenAt, s.referrals.lastActivityAt)),
      ),
    );
  return row?.n ?? 0;
}

/** Whether a live event concerns this user (the same rule as visibleTo, on the event's ids). */
export function eventConcerns(user: CurrentUser, event: { organisationId: string; referrerId: string | null; teamId: string | null }) {
  if (user.role === "coordinator") return true;
  if (user.role === "provider") return user.organisations.some((o) => o.id === event.organisationId);
  return event.referrerId === user.id || (user.teamId !== null && event.teamId === user.teamId);
}
