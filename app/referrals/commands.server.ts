// Everything that changes a referral: sending (with the rules a referral obeys whichever route or script sends
// it), every change of state through changeState() (state machine, stale-page and race guard, history, mail and the
// live announcement in one transaction; docs/decisions/0010), messages and the family's atomic reply.
import { and, eq, inArray, ne } from "drizzle-orm";
import * as s from "../../db/schema";
import { type Actor, assertMay, partyOf } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { type Database, getDb } from "../db.server";
import { isUuid } from "../directory/services.server";
import { referralArea } from "../geo/postcodes.server";
import { tidyPostcode } from "../geo/postcode";
import { actorLabel, logChange, newReference } from "./access.server";
import { deleteDraft, saveDraft } from "./drafts.server";
import { open, seal } from "../privacy/crypto.server";
import { openReferral, sealReferral } from "../privacy/sealed-fields.server";
import { checkServices } from "./eligibility.server";
import { ReferralConflict, ReferralNotFound, ReferralRefused } from "./errors";
import { type ReferralInput, needsOf } from "./forms";
import { type Audience, audienceChoices } from "./audience";
import { announce, announceAll } from "./live.server";
import { notificationTexts, notifyOtherSide } from "./notifications.server";
import { queueMails } from "../mail/mail.server";
import { ACTION_PAST, CLOSE_OUTCOMES, DECLINE_REASONS, type Party, type ReferralAction, type ReferralState, decide } from "./state-machine";

/** A service that can take a referral by this route now: listed, running, taking this kind, not full. */
export function takesReferrals(route: "professional" | "self") {
  return and(
    eq(s.services.publication, "published"),
    eq(s.services.status, "active"),
    ne(s.services.capacity, "not_accepting"),
    route === "self" ? eq(s.services.acceptsSelfReferrals, true) : eq(s.services.acceptsProfessionalReferrals, true),
  )!;
}

export interface TransitionDetails {
  note?: string;
  /** Who the note is for; required with a note unless the move implies it (questions, answers, the family's own). */
  noteAudience?: Audience;
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
  familyLocale: s.referrals.familyLocale,
  needs: s.referrals.needs,
};

type LockedReferral = { [K in keyof typeof lockedColumns]: (typeof lockedColumns)[K]["_"]["data"] } & {
  needs: { code: string; description: string }[];
};

/** Locks the referral for this transaction and names the actor's party on it; NotFound when they have none. */
export async function lockReferral(t: Database, actor: Actor, referralId: string) {
  const [row] = (await t.select(lockedColumns).from(s.referrals).where(eq(s.referrals.id, referralId)).for("update")) as LockedReferral[];
  if (!row) throw new ReferralNotFound();
  // Only the family's email is needed here (to tell them of news), and only by the code that mails them.
  row.parentEmail = open(row.parentEmail);
  const seenAs = partyOf(actor, row);
  // Someone with no relation to the referral learns nothing, not even that it exists.
  if (seenAs === "none") throw new ReferralNotFound();
  return { row, party: seenAs as Exclude<Party, "none"> };
}

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
    const { row, party } = await lockReferral(t, actor, referralId);
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
      if (!details.toServiceId || !isUuid(details.toServiceId) || details.toServiceId === row.serviceId)
        throw new ReferralRefused("Choose another service to forward it to.");
      const [service] = await t
        .select({ id: s.services.id, organisationId: s.services.organisationId, name: s.services.name })
        .from(s.services)
        .where(and(eq(s.services.id, details.toServiceId), takesReferrals(row.isSelfReferral ? "self" : "professional")))
        .for("share");
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
      action === "decline"
        ? details.reason === "other"
          ? details.reasonOther
          : DECLINE_REASONS[details.reason!]
        : action === "close"
          ? details.outcome === "other"
            ? details.outcomeOther
            : CLOSE_OUTCOMES[details.outcome!]
          : null;
    const noteAudience = details.note ? noteAudienceFor(action, party, row.isSelfReferral, details.noteAudience) : null;
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
      note: seal(details.note || null),
      noteAudience,
      fromServiceId: action === "forward" ? row.serviceId : null,
      toServiceId: target?.serviceId ?? null,
    });
    await logChange(actor, row.id, t);
    // "declined — no capacity": a listed reason or outcome only, never free text (it may hold personal details).
    const listedReason =
      action === "decline" && details.reason !== "other" ? reasonText : action === "close" && details.outcome !== "other" ? reasonText : null;
    await notifyOtherSide(t, { ...row, organisationId: updated.organisationId }, party, newsWords(action, listedReason), action);
    if (action === "forward")
      await announce({ referralId: row.id, organisationId: row.organisationId, referrerId: row.referrerId, teamId: row.teamId, kind: "state" }, t);
    await announce({ referralId: row.id, organisationId: updated.organisationId, referrerId: row.referrerId, teamId: row.teamId, kind: "state" }, t);
    return { state: updated.state, version: updated.version };
  };
  if (tx) return run(tx);
  return (await getDb()).transaction(run);
}

/** What an email subject says happened: "declined — no capacity / waiting list full". */
export function newsWords(action: ReferralAction, listedReason?: string | null) {
  const what = ACTION_PAST[action].toLowerCase();
  return listedReason ? `${what} — ${listedReason.toLowerCase()}` : what;
}

/**
 * The audience a note on this move is stored with. A question goes to whoever must answer it and an answer to
 * whoever asked; the family writes for the service; otherwise the writer's choice, which must be one offered to them.
 */
export function noteAudienceFor(action: ReferralAction, party: Party, isSelfReferral: boolean, chosen: Audience | undefined): Audience {
  if (party === "family") return "family";
  if (action === "request_info" || action === "answer_info") return isSelfReferral ? "family" : "professionals";
  // The forms require a choice; a caller without one (scripts, seed) gets what notes always meant: the professionals.
  if (!chosen) return isSelfReferral ? "internal" : "professionals";
  if (!audienceChoices(party, isSelfReferral).some((c) => c.value === chosen)) throw ReferralRefused.field("noteAudience", "Choose who will see this note");
  return chosen;
}

// ---------------------------------------------------------------- sending

function referrerReferralValues(user: CurrentUser, input: ReferralInput) {
  return sealReferral({
    idempotencyKey: input.idempotencyKey ?? null, // issue 11: a second send of the same form hits the unique index
    referrerId: user.id,
    teamId: user.teamId,
    childName: input.childName,
    childDateOfBirth: input.childDateOfBirth,
    childPostcode: tidyPostcode(input.childPostcode),
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
  });
}

/**
 * Sends one referral to each chosen service (a group), from the draft when there is one. Refused, whoever calls
 * it, without consent, by anyone but a referrer, or to a service that cannot take it (not listed, closed, not taking
 * professionals' referrals, not accepting, or not for this child's age or area).
 */
export async function sendReferral(user: CurrentUser, input: ReferralInput, ip?: string): Promise<{ groupId: string; ids: string[] }> {
  assertMay(user, "referrals.send", "Only referrers can send referrals.");
  if (!input.consentConfirmed) throw new ReferralRefused("A referral cannot be sent without the family's consent.");
  const serviceIds = [...new Set(input.serviceIds)];
  if (serviceIds.length === 0 || !serviceIds.every(isUuid)) throw ReferralRefused.field("serviceIds", "Choose at least one service");
  const child = { dateOfBirth: input.childDateOfBirth, postcode: input.childPostcode, needCodes: needsOf(input).map((n) => n.code) };
  const unfit = (await checkServices(serviceIds, child, clock.now())).filter((f) => f.problems.length > 0);
  if (unfit.length) throw ReferralRefused.field("serviceIds", unfit.map((f) => `${f.name}: ${f.problems.join(" ")}`).join(" "));
  // The state machine's own answer for a referrer sending a new referral (draft → sent), asked once for the group.
  const decision = decide("draft", "submit", "referrer");
  if (!decision.allowed) throw new ReferralRefused(decision.reason);
  const actor: Actor = { kind: "user", user, ip };
  const now = clock.now();
  const label = actorLabel(actor);
  // Ids and references are made here, so every row of the send is known before the transaction starts and the
  // transaction is a handful of multi-row statements, whatever the number of services (issue 14: 16 referrers
  // sending at once must not queue behind each other's round trips).
  const referrals = serviceIds.map((serviceId) => ({ id: crypto.randomUUID(), reference: newReference(), serviceId }));
  const db = await getDb();
  return db.transaction(async (tx) => {
    // Held until commit, so a service cannot stop taking referrals between this check and the send. The intake
    // address comes with it, for the mail.
    const services = await tx
      .select({ id: s.services.id, organisationId: s.services.organisationId, intakeEmail: s.organisations.intakeEmail })
      .from(s.services)
      .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
      .where(and(inArray(s.services.id, serviceIds), takesReferrals("professional")))
      .for("share", { of: s.services });
    // "Refer elsewhere" (issue 16): the new referrals join the finished one's group (one timeline).
    const groupId = input.followsReferralId ? await followedGroup(tx, user, input.followsReferralId) : crypto.randomUUID();
    const rows = referrals.map((r) => {
      const service = services.find((x) => x.id === r.serviceId);
      if (!service) throw ReferralRefused.field("serviceIds", "One of the chosen services cannot take referrals at the moment; choose another.");
      return { ...r, organisationId: service.organisationId, intakeEmail: service.intakeEmail };
    });
    const area = referralArea(input.childPostcode);
    // Written as sent (version 2, as changeState's "submit" would leave it), with its history row, access log,
    // mail and live announcement: the same records as a draft submitted through changeState, in fewer trips.
    // Each row's personal fields are sealed on their own (issue 18: a fresh nonce per value) with the blind index.
    await tx.insert(s.referrals).values(
      rows.map((r) => ({
        ...referrerReferralValues(user, input),
        ...area,
        groupId,
        id: r.id,
        reference: r.reference,
        serviceId: r.serviceId,
        organisationId: r.organisationId,
        state: decision.to,
        version: 2,
        sentAt: now,
        updatedBy: user.id,
        updatedByLabel: label,
        updatedAt: now,
        lastActivityAt: now,
        lastActivityParty: "referrer" as const,
      })),
    );
    const mail = rows.filter((r) => r.intakeEmail);
    await Promise.all([
      tx.insert(s.referralHistory).values(
        rows.map((r) => ({
          referralId: r.id,
          at: now,
          actorId: user.id,
          actorLabel: label,
          party: "referrer" as const,
          action: "submit" as const,
          fromState: "draft" as const,
          toState: decision.to,
        })),
      ),
      tx.insert(s.referralAccessLog).values(rows.map((r) => ({ referralId: r.id, userId: user.id, kind: "changed" as const, ip, at: now }))),
      mail.length
        ? queueMails(
            mail.map((r) => ({
              to: r.intakeEmail!,
              ...notificationTexts.newReferral({ ...r, referrerId: user.id, isSelfReferral: false, parentEmail: null }, false),
            })),
            tx,
          )
        : null,
      announceAll(
        rows.map((r) => ({ referralId: r.id, organisationId: r.organisationId, referrerId: user.id, teamId: user.teamId, kind: "state" as const })),
        tx,
      ),
      input.draftId ? deleteDraft(user, input.draftId, tx) : null,
    ]);
    return { groupId, ids: rows.map((r) => r.id) };
  });
}

/** The group of the finished referral a new one follows, after checking its referrer may see it and it is finished. */
async function followedGroup(t: Database, user: CurrentUser, referralId: string) {
  if (!isUuid(referralId)) throw new ReferralNotFound();
  const { row, party } = await lockReferral(t, { kind: "user", user }, referralId);
  if (party !== "referrer") throw new ReferralNotFound();
  if (!REFERRED_ELSEWHERE_FROM.includes(row.state)) throw new ReferralRefused("Only a declined, closed or withdrawn referral can be sent elsewhere.");
  const [group] = await t.select({ groupId: s.referrals.groupId }).from(s.referrals).where(eq(s.referrals.id, referralId));
  return group!.groupId;
}

const REFERRED_ELSEWHERE_FROM: readonly ReferralState[] = ["declined", "closed", "withdrawn"];

/**
 * "Refer elsewhere" (issue 16): a new draft with this finished referral's details, for the referrer to check and
 * send to another service. Consent is not copied as confirmed (it was given for the first service): the referrer
 * confirms it again, with its date. Sending it puts both referrals in one group, so they share one timeline.
 */
export async function draftReferralElsewhere(user: CurrentUser, referralId: string, serviceId?: string): Promise<string> {
  assertMay(user, "referrals.send", "Only referrers can send referrals.");
  if (!isUuid(referralId) || (serviceId !== undefined && !isUuid(serviceId))) throw new ReferralNotFound();
  const db = await getDb();
  const [sealed] = await db.select().from(s.referrals).where(eq(s.referrals.id, referralId));
  if (!sealed || partyOf({ kind: "user", user }, sealed) !== "referrer") throw new ReferralNotFound();
  // Personal fields are sealed at rest (issue 18): opened only now, for the referrer the policy let through.
  const row = openReferral(sealed);
  if (!REFERRED_ELSEWHERE_FROM.includes(row.state)) throw new ReferralRefused("Only a declined, closed or withdrawn referral can be sent elsewhere.");
  if (row.anonymisedAt) throw new ReferralRefused("This referral's details have been removed, so they cannot be copied.");
  const target = serviceId ?? row.suggestedServiceId ?? undefined;
  const values: Record<string, string | string[]> = {
    followsReferralId: row.id,
    serviceIds: target ? [target] : [],
    childName: row.childName,
    childDateOfBirth: row.childDateOfBirth ?? "",
    childPostcode: row.childPostcode ?? "",
    childSchool: row.childSchool ?? "",
    parentName: row.parentName,
    parentRelationship: row.parentRelationship ?? "",
    parentPhone: row.parentPhone ?? "",
    parentEmail: row.parentEmail ?? "",
    contactPreference: row.contactPreference,
    contactTimes: row.contactTimes ?? "",
    tried: row.tried ?? "",
    familyWants: row.familyWants,
    urgency: row.urgency,
    language: row.language ?? "",
    interpreterNeeded: row.interpreterNeeded ? "on" : "",
    accessibilityNeeds: row.accessibilityNeeds ?? "",
    consentGivenBy: row.consentGivenBy,
    consentMethod: row.consentMethod,
    consentLimits: row.consentLimits ?? "",
    childViews: row.childViews ?? "",
    ...Object.fromEntries(
      row.needs.flatMap((n) => [
        [`need_${n.code}`, "on"],
        [`need_${n.code}_detail`, n.description],
      ]),
    ),
  };
  return (await saveDraft(user, values))!;
}
