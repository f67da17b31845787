// The family's own view of its request, through the private link: state, the timeline without internal notes, the
// messages and notes meant for them. Split from queries.server.ts (the professionals' views).
import { and, asc, eq, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { secretMatches } from "../auth/policy.server";

import { getDb } from "../db.server";
import { logAccess } from "./access.server";
import { open } from "../privacy/crypto.server";

import { allowedActions } from "./state-machine";

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
      .select({
        id: s.referralHistory.id,
        at: s.referralHistory.at,
        action: s.referralHistory.action,
        toState: s.referralHistory.toState,
        reason: s.referralHistory.reason,
        party: s.referralHistory.party,
        // Only notes meant for the family (issue 16), such as the service's next step when it accepts.
        note: sql<string | null>`case when ${s.referralHistory.noteAudience} = 'family' then ${s.referralHistory.note} end`,
      })
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
  // Notes and messages are sealed at rest (issue 18): opened here, after the secret matched.
  return {
    ...rest,
    history: history.map((h) => ({ ...h, note: open(h.note) })),
    messages: messages.map((m) => ({ ...m, body: open(m.body) })),
    actions: allowedActions(row.state, "family"),
  };
}
