// Reading referrals: one referral as its reader may see it, the family's view, lists, and figures. Every query is
// scoped inside its SQL by the policy (referralScope); counts and figures are computed in SQL over every matching
// row, never from a shown (capped) list.
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, ne, or, sql, type SQL } from "drizzle-orm";
import * as s from "../../db/schema";
import { assertMay, may, partyOf, partyOfRole, referralScope, serviceEditScope } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { overdueCutoff } from "../calendar/working-days";
import { nonWorkingDates, nonWorkingDatesFor } from "../calendar/non-working-days.server";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { getDb } from "../db.server";
import { isUuid } from "../directory/services.server";
import { coordinatorHasGrant, logAccess } from "./access.server";
import { listDrafts } from "./drafts.server";
import { open } from "../privacy/crypto.server";
import { openReferral } from "../privacy/sealed-fields.server";
import { INBOX_TABS, type InboxTab } from "./inbox";
import { type Audience, audienceIncludes } from "./audience";
import { REFERRAL_STATES, type Party, allowedActions } from "./state-machine";

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
  doNotLeaveVoicemail: s.referrals.doNotLeaveVoicemail,
  doNotText: s.referrals.doNotText,
  linkDelivery: s.referrals.linkDelivery,
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
    .where(and(eq(s.referrals.id, referralId), ne(s.referrals.state, "draft"), referralScope(user)));
  if (!row) return null;
  const party = partyOf({ kind: "user", user }, { ...row, isSelfReferral: row.isSelf, teamId: row.relTeam, secretHash: null });
  if (party === "none") return null;
  const showPersonal = party !== "coordinator" || (await coordinatorHasGrant(user.id, referralId));
  const { isSelf: _a, relTeam: _b, ...rest } = row;
  const base = Object.fromEntries(Object.keys(detailColumns).map((k) => [k, rest[k as keyof typeof rest]])) as {
    [K in keyof typeof detailColumns]: (typeof rest)[K];
  };
  // Decrypted here, after the policy check, and nowhere else on the read path.
  const personal = showPersonal
    ? openReferral(
        Object.fromEntries(Object.keys(personalColumns).map((k) => [k, rest[k as keyof typeof rest]])) as {
          [K in keyof typeof personalColumns]: (typeof rest)[K];
        },
      )
    : null;
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
        noteAudience: s.referralHistory.noteAudience,
        toServiceName: sql<string | null>`(select name from ${s.services} where id = ${s.referralHistory.toServiceId})`,
      })
      .from(s.referralHistory)
      .where(eq(s.referralHistory.referralId, referralId))
      .orderBy(asc(s.referralHistory.at), asc(s.referralHistory.id)),
    // Coordinators see states and figures, not the conversation, unless they gave a reason.
    showPersonal
      ? db
          .select({
            id: s.referralMessages.id,
            at: s.referralMessages.createdAt,
            authorLabel: s.referralMessages.authorLabel,
            party: s.referralMessages.party,
            body: s.referralMessages.body,
            audience: s.referralMessages.audience,
          })
          .from(s.referralMessages)
          .where(eq(s.referralMessages.referralId, referralId))
          .orderBy(asc(s.referralMessages.createdAt))
      : Promise.resolve([]),
    db
      .select({ id: s.referrals.id, reference: s.referrals.reference, serviceName: s.services.name, state: s.referrals.state })
      .from(s.referrals)
      .innerJoin(s.services, eq(s.services.id, s.referrals.serviceId))
      .where(and(eq(s.referrals.groupId, row.groupId), ne(s.referrals.id, referralId), referralScope(user))),
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
    // Notes and messages meant for the writer's own side stay there (issue 16); both are sealed at rest (issue 18).
    history: history.map((h) =>
      showPersonal && audienceIncludes(h.noteAudience as Audience | null, h.party, party) ? { ...h, note: open(h.note) } : { ...h, note: null },
    ),
    messages: messages.filter((m) => audienceIncludes(m.audience as Audience, m.party, party)).map((m) => ({ ...m, body: open(m.body) })),
    group,
  };
}

export type ReferralView = NonNullable<Awaited<ReturnType<typeof getReferral>>>;

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

/** Sent before this moment and still unanswered means overdue (working days, holidays left out). */
async function overdueCutoffNow() {
  return overdueCutoff(clock.now(), config().REFERRAL_OVERDUE_WORKING_DAYS, await nonWorkingDates());
}

function overdueSql(cutoff: Date) {
  return and(eq(s.referrals.state, "sent"), isNull(s.referrals.firstResponseAt), lt(s.referrals.sentAt, cutoff))!;
}

/** The referrals a list shows: what the user may see, sent, narrowed by the filters. */
function listConditions(user: CurrentUser, filters: ListFilters, cutoff: Date): SQL[] {
  const conditions: SQL[] = [referralScope(user), ne(s.referrals.state, "draft")];
  if (filters.tab) conditions.push(inArray(s.referrals.state, [...INBOX_TABS[filters.tab].states]));
  if (filters.serviceId && isUuid(filters.serviceId)) conditions.push(eq(s.referrals.serviceId, filters.serviceId));
  if (filters.urgency) conditions.push(eq(s.referrals.urgency, filters.urgency));
  if (filters.overdueOnly) conditions.push(overdueSql(cutoff));
  return conditions;
}

/** Lists show at most this many rows; counts and figures never come from the shown rows. */
export const LIST_LIMIT = 500;

async function listFor(user: CurrentUser, filters: ListFilters, withChildName: boolean) {
  const db = await getDb();
  const cutoff = await overdueCutoffNow();
  const conditions = listConditions(user, filters, cutoff);
  const order =
    filters.sort === "newest"
      ? [desc(s.referrals.sentAt)]
      : filters.sort === "urgency"
        ? [sql`case ${s.referrals.urgency} when 'urgent' then 0 when 'soon' then 1 else 2 end`, asc(s.referrals.sentAt)]
        : [asc(s.referrals.sentAt)];
  const rows = await db
    .select({ ...listColumns(user.id), ...(withChildName ? { childName: s.referrals.childName } : {}), overdue: sql<boolean>`(${overdueSql(cutoff)})` })
    .from(s.referrals)
    .innerJoin(s.services, eq(s.services.id, s.referrals.serviceId))
    .innerJoin(s.organisations, eq(s.organisations.id, s.referrals.organisationId))
    .leftJoin(s.users, eq(s.users.id, s.referrals.referrerId))
    .where(and(...conditions))
    .orderBy(...order, asc(s.referrals.id))
    .limit(LIST_LIMIT);
  const party = partyOfRole(user.role);
  return rows.map(({ seenAt, lastActivityParty, ...r }) => ({
    ...r,
    childName: "childName" in r && typeof r.childName === "string" ? (r.isSelfReferral ? "Family request" : shortName(open(r.childName))) : null,
    changed: party !== "coordinator" && changedFor(party, { lastActivityAt: r.lastActivityAt, seenAt, lastActivityParty }),
  }));
}

/**
 * Counts by state and the median working days to a first response over every referral the filters select, in
 * SQL. The median is percentile_cont(0.5) over response_working_days: the reports page's rule (reports.server.ts).
 */
export async function referralFigures(user: CurrentUser, filters: ListFilters) {
  const db = await getDb();
  const cutoff = await overdueCutoffNow();
  const where = and(...listConditions(user, filters, cutoff));
  const [byStateRows, [median]] = await Promise.all([
    db
      .select({ state: s.referrals.state, n: sql<number>`count(*)::int`, overdue: sql<number>`(count(*) filter (where ${overdueSql(cutoff)}))::int` })
      .from(s.referrals)
      .where(where)
      .groupBy(s.referrals.state),
    db
      .select({ median: sql<number | null>`percentile_cont(0.5) within group (order by ${s.referrals.responseWorkingDays})::float8` })
      .from(s.referrals)
      .where(and(where, isNotNull(s.referrals.responseWorkingDays))),
  ]);
  const byState = REFERRAL_STATES.filter((st) => st !== "draft").map((state) => ({ state, count: byStateRows.find((r) => r.state === state)?.n ?? 0 }));
  return {
    byState,
    total: byState.reduce((a, r) => a + r.count, 0),
    overdue: byStateRows.reduce((a, r) => a + r.overdue, 0),
    medianWorkingDaysToFirstResponse: median?.median ?? null,
  };
}

export type ReferralListItem = Awaited<ReturnType<typeof listFor>>[number];

export async function providerInbox(user: CurrentUser, filters: ListFilters) {
  if (!may(user, "referrals.inbox")) return { items: [], counts: {} as Record<InboxTab, number>, services: [], nonWorkingDates: [] };
  const db = await getDb();
  const items = await listFor(user, filters, true);
  const countRows = await db
    .select({ state: s.referrals.state, n: sql<number>`count(*)::int` })
    .from(s.referrals)
    .where(and(referralScope(user), ne(s.referrals.state, "draft")))
    .groupBy(s.referrals.state);
  const counts = Object.fromEntries(
    (Object.keys(INBOX_TABS) as InboxTab[]).map((tab) => [
      tab,
      countRows.filter((c) => (INBOX_TABS[tab].states as readonly string[]).includes(c.state)).reduce((a, c) => a + c.n, 0),
    ]),
  ) as Record<InboxTab, number>;
  const services = await db.select({ id: s.services.id, name: s.services.name }).from(s.services).where(serviceEditScope(user)).orderBy(s.services.name);
  return { items, counts, services, nonWorkingDates: await nonWorkingDatesFor(items) };
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
    nonWorkingDates: await nonWorkingDatesFor(items),
  };
}

/**
 * Every referral's status for coordinators (no child's or family's details): the first LIST_LIMIT for the table,
 * and the figures for all that match, counted in SQL.
 */
export async function coordinatorOverview(user: CurrentUser, filters: ListFilters) {
  assertMay(user, "referrals.overview");
  const [items, figures] = await Promise.all([listFor(user, filters, false), referralFigures(user, filters)]);
  return { items, figures, nonWorkingDates: await nonWorkingDatesFor(items) };
}

/** Referrals with news for this user since they last opened them (one's own changes are not news). */
export async function unreadCount(user: CurrentUser): Promise<number> {
  if (user.role === "coordinator") return 0;
  const db = await getDb();
  const party = partyOfRole(user.role);
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(s.referrals)
    .leftJoin(s.referralReads, and(eq(s.referralReads.referralId, s.referrals.id), eq(s.referralReads.userId, user.id)))
    .where(
      and(
        referralScope(user),
        ne(s.referrals.state, "draft"),
        or(isNull(s.referrals.lastActivityParty), ne(s.referrals.lastActivityParty, party)),
        or(isNull(s.referralReads.seenAt), lt(s.referralReads.seenAt, s.referrals.lastActivityAt)),
      ),
    );
  return row?.n ?? 0;
}
