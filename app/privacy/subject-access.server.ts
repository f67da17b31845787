// Subject access and erasure (issue 18, UK GDPR articles 15 and 17): find every record FORT holds about one child,
// from a reference or from their name and date of birth (through the blind index, so no referral is decrypted to
// search), hand it over as one document, and erase it on request with the same anonymisation as retention.
import { asc, eq, inArray, or } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { assertMay } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { getDb } from "../db.server";
import { anonymiseReferralsNow } from "../reports/retention.server";
import { normaliseName, open, subjectIndex } from "./crypto.server";
import { openDraftValues, openReferral } from "./sealed-fields.server";

import type { SubjectQuery } from "./subject-query";
export type { SubjectQuery };

const REFUSAL = "Only coordinators can answer subject-access and erasure requests.";

async function matchingReferralIds(query: SubjectQuery): Promise<string[]> {
  const db = await getDb();
  if ("reference" in query) {
    const [row] = await db
      .select({ id: s.referrals.id, index: s.referrals.subjectIndex, groupId: s.referrals.groupId })
      .from(s.referrals)
      .where(eq(s.referrals.reference, query.reference.trim().toUpperCase()));
    if (!row) return [];
    // The same child: their other referrals (same blind index) and the rest of the same send.
    const rows = await db
      .select({ id: s.referrals.id })
      .from(s.referrals)
      .where(or(eq(s.referrals.id, row.id), eq(s.referrals.groupId, row.groupId), row.index ? eq(s.referrals.subjectIndex, row.index) : undefined));
    return rows.map((r) => r.id);
  }
  const index = subjectIndex(query.childName, query.dateOfBirth);
  if (!index) return [];
  const rows = await db.select({ id: s.referrals.id }).from(s.referrals).where(eq(s.referrals.subjectIndex, index));
  return rows.map((r) => r.id);
}

// Drafts are few and short-lived: opened in app code and compared, rather than indexed.
async function matchingDrafts(query: SubjectQuery) {
  if ("reference" in query) return [];
  const db = await getDb();
  const rows = await db
    .select({ id: s.referralDrafts.id, ownerId: s.referralDrafts.ownerId, values: s.referralDrafts.values, updatedAt: s.referralDrafts.updatedAt })
    .from(s.referralDrafts);
  const name = normaliseName(query.childName);
  return rows
    .map((d) => ({ ...d, values: openDraftValues(d.values) }))
    .filter((d) => typeof d.values.childName === "string" && normaliseName(d.values.childName) === name && d.values.childDateOfBirth === query.dateOfBirth);
}

/** Everything held about the child, decrypted, for the coordinator answering the request. */
export async function findSubjectRecords(user: CurrentUser, query: SubjectQuery) {
  assertMay(user, "personalData.subjectAccess", REFUSAL);
  const db = await getDb();
  const ids = await matchingReferralIds(query);
  const drafts = await matchingDrafts(query);
  if (ids.length === 0) return { referrals: [], drafts };
  const referrals = await db
    .select({
      id: s.referrals.id,
      reference: s.referrals.reference,
      state: s.referrals.state,
      serviceName: s.services.name,
      organisationName: s.organisations.name,
      isSelfReferral: s.referrals.isSelfReferral,
      sentAt: s.referrals.sentAt,
      closedAt: s.referrals.closedAt,
      anonymisedAt: s.referrals.anonymisedAt,
      childName: s.referrals.childName,
      childDateOfBirth: s.referrals.childDateOfBirth,
      childAgeYears: s.referrals.childAgeYears,
      childPostcode: s.referrals.childPostcode,
      childSchool: s.referrals.childSchool,
      parentName: s.referrals.parentName,
      parentRelationship: s.referrals.parentRelationship,
      parentPhone: s.referrals.parentPhone,
      parentEmail: s.referrals.parentEmail,
      contactTimes: s.referrals.contactTimes,
      needs: s.referrals.needs,
      tried: s.referrals.tried,
      familyWants: s.referrals.familyWants,
      accessibilityNeeds: s.referrals.accessibilityNeeds,
      consentGivenBy: s.referrals.consentGivenBy,
      consentDate: s.referrals.consentDate,
      consentLimits: s.referrals.consentLimits,
      childViews: s.referrals.childViews,
      declineReason: s.referrals.declineReason,
      closeOutcome: s.referrals.closeOutcome,
    })
    .from(s.referrals)
    .innerJoin(s.services, eq(s.services.id, s.referrals.serviceId))
    .innerJoin(s.organisations, eq(s.organisations.id, s.referrals.organisationId))
    .where(inArray(s.referrals.id, ids))
    .orderBy(asc(s.referrals.sentAt));
  const [messages, history, access] = await Promise.all([
    db
      .select({
        referralId: s.referralMessages.referralId,
        at: s.referralMessages.createdAt,
        author: s.referralMessages.authorLabel,
        body: s.referralMessages.body,
      })
      .from(s.referralMessages)
      .where(inArray(s.referralMessages.referralId, ids))
      .orderBy(asc(s.referralMessages.createdAt)),
    db
      .select({
        referralId: s.referralHistory.referralId,
        at: s.referralHistory.at,
        who: s.referralHistory.actorLabel,
        action: s.referralHistory.action,
        toState: s.referralHistory.toState,
        reason: s.referralHistory.reason,
        note: s.referralHistory.note,
      })
      .from(s.referralHistory)
      .where(inArray(s.referralHistory.referralId, ids))
      .orderBy(asc(s.referralHistory.at)),
    db
      .select({
        referralId: s.referralAccessLog.referralId,
        at: s.referralAccessLog.at,
        who: s.users.name,
        kind: s.referralAccessLog.kind,
        reason: s.referralAccessLog.reason,
      })
      .from(s.referralAccessLog)
      .leftJoin(s.users, eq(s.users.id, s.referralAccessLog.userId))
      .where(inArray(s.referralAccessLog.referralId, ids))
      .orderBy(asc(s.referralAccessLog.at)),
  ]);
  return {
    referrals: referrals.map((r) => ({
      ...openReferral(r),
      messages: messages.filter((m) => m.referralId === r.id).map(({ referralId: _r, ...m }) => ({ ...m, body: open(m.body) })),
      history: history.filter((h) => h.referralId === r.id).map(({ referralId: _r, ...h }) => ({ ...h, note: open(h.note) })),
      accessRecords: access.filter((a) => a.referralId === r.id).map(({ referralId: _r, ...a }) => a),
    })),
    drafts,
  };
}

export type SubjectRecords = Awaited<ReturnType<typeof findSubjectRecords>>;

/** The machine-readable copy handed to the family (and logged, with counts and ids only). */
export async function exportSubjectRecords(user: CurrentUser, query: SubjectQuery, ip?: string) {
  const records = await findSubjectRecords(user, query);
  await audit({
    actorId: user.id,
    action: "subject_access_export",
    subjectType: "referral",
    ip,
    details: { referrals: records.referrals.length, drafts: records.drafts.length, referralIds: records.referrals.map((r) => r.id) },
  });
  return records;
}

const CSV_COLUMNS = [
  "reference",
  "state",
  "serviceName",
  "organisationName",
  "sentAt",
  "closedAt",
  "childName",
  "childDateOfBirth",
  "childPostcode",
  "childSchool",
  "parentName",
  "parentRelationship",
  "parentPhone",
  "parentEmail",
  "familyWants",
  "tried",
  "childViews",
  "consentGivenBy",
  "consentDate",
] as const;

/** One row per referral, for reading in a spreadsheet. Cells that a spreadsheet would run as formulas are quoted. */
export function subjectRecordsCsv(records: SubjectRecords): string {
  const cell = (v: unknown) => {
    let text = v instanceof Date ? v.toISOString() : v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.join(","), ...records.referrals.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(","))];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/**
 * Erases the chosen referrals (the same anonymisation as retention: figures stay, the person goes) and every
 * matching draft, recording who, why and how many in the audit log. Only referrals found for this query can be erased.
 */
export async function eraseSubjectRecords(user: CurrentUser, query: SubjectQuery, referralIds: string[], reason: string, ip?: string) {
  assertMay(user, "personalData.subjectAccess", REFUSAL);
  const found = new Set(await matchingReferralIds(query));
  const chosen = referralIds.filter((id) => found.has(id));
  const drafts = await matchingDrafts(query);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const erased = await anonymiseReferralsNow(tx, chosen);
    if (drafts.length)
      await tx.delete(s.referralDrafts).where(
        inArray(
          s.referralDrafts.id,
          drafts.map((d) => d.id),
        ),
      );
    await audit(
      {
        actorId: user.id,
        action: "subject_erasure",
        subjectType: "referral",
        ip,
        details: { reason, referrals: erased.length, drafts: drafts.length, referralIds: erased },
      },
      tx,
    );
    return { referrals: erased.length, drafts: drafts.length };
  });
}
