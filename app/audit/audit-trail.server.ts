// The audit trail a data-protection officer reads: every read of a referral's personal details and every change
// (referral_access_log) together with every other audited action (audit_log), each with the person's name, role
// and organisation, the referral's reference and the reason a coordinator gave. Both logs are append-only (the
// database refuses UPDATE and DELETE, migration audit_append_only); only pruneAuditLogs below may delete, and only
// entries older than AUDIT_RETENTION_MONTHS.
import { sql, type SQL } from "drizzle-orm";
import { assertMay } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { getDb } from "../db.server";
import { toCsv } from "../reports/csv";
import { audit } from "./audit.server";
import { describeAuditAction, type AuditFilters } from "./audit-filters";

export interface AuditTrailEntry {
  key: string;
  at: string;
  person: string;
  role: string;
  organisation: string;
  action: string;
  what: string;
  reference: string | null;
  referralId: string | null;
  subject: string;
  reason: string | null;
  ip: string | null;
}

type Row = {
  source: "access" | "audit";
  id: string | number;
  at: string | Date;
  actor_id: string | null;
  action: string;
  reason: string | null;
  ip: string | null;
  reference: string | null;
  referral_id: string | null;
  subject_type: string | null;
  subject_name: string | null;
  details: Record<string, unknown> | string | null;
  person: string | null;
  role: string | null;
  organisation: string | null;
};

const FAMILY = new Set(["family_viewed", "family_changed"]);

function toEntry(r: Row): AuditTrailEntry {
  const details = typeof r.details === "string" ? (JSON.parse(r.details) as Record<string, unknown>) : (r.details ?? {});
  const person = r.person ?? (FAMILY.has(r.action) ? "The family (tracking link)" : r.actor_id ? "A deleted account" : "FORT (automatic job)");
  return {
    key: `${r.source}-${r.id}`,
    at: new Date(r.at).toISOString(),
    person,
    role: r.role ?? "",
    organisation: r.organisation ?? "",
    action: r.action,
    what: describeAuditAction(r.action, details),
    reference: r.reference,
    referralId: r.referral_id,
    subject: r.reference ?? (r.subject_name ? `${r.subject_type ?? ""} ${r.subject_name}`.trim() : (r.subject_type ?? "")),
    reason: r.reason ?? (typeof details.note === "string" ? details.note : null),
    ip: r.ip,
  };
}

function conditions(f: AuditFilters): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.person) parts.push(sql`e.actor_id = ${f.person}::uuid`);
  if (f.reference) parts.push(sql`upper(e.reference) = upper(${f.reference})`);
  if (f.referral) parts.push(sql`e.referral_id = ${f.referral}`);
  if (f.organisation) parts.push(sql`exists (select 1 from memberships m where m.user_id = e.actor_id and m.organisation_id = ${f.organisation}::uuid)`);
  if (f.from) parts.push(sql`e.at >= ${f.from}::date`);
  if (f.to) parts.push(sql`e.at < ${f.to}::date + 1`);
  return sql.join(parts, sql` and `);
}

/** The newest entries matching the filters, newest first. */
export async function auditTrail(reader: CurrentUser, filters: AuditFilters, limit = 500): Promise<AuditTrailEntry[]> {
  assertMay(reader, "audit.read", "Only coordinators can read the audit trail.");
  const db = await getDb();
  const result = await db.execute(sql`
    with entries as (
      select 'access' as source, l.id::text as id, l.at, l.user_id as actor_id, l.kind as action, l.reason, l.ip,
             r.reference, r.id::text as referral_id, 'referral'::text as subject_type, null::text as subject_id, '{}'::jsonb as details
      from referral_access_log l join referrals r on r.id = l.referral_id
      union all
      select 'audit', a.id::text, a.at, a.actor_id, a.action, null, a.ip,
             r.reference, r.id::text, a.subject_type, a.subject_id, a.details
      from audit_log a left join referrals r on a.subject_type = 'referral' and r.id::text = a.subject_id
    )
    select e.source, e.id, e.at, e.actor_id, e.action, e.reason, e.ip, e.reference, e.referral_id, e.subject_type, e.details,
      u.name as person, u.role::text as role,
      coalesce(
        (select string_agg(o.name, ', ' order by o.name) from memberships m join organisations o on o.id = m.organisation_id where m.user_id = e.actor_id),
        t.name
      ) as organisation,
      case e.subject_type
        when 'service' then (select x.name from services x where x.id::text = e.subject_id)
        when 'user' then (select x.name from users x where x.id::text = e.subject_id)
        when 'organisation' then (select x.name from organisations x where x.id::text = e.subject_id)
        when 'location' then (select x.name from locations x where x.id::text = e.subject_id)
      end as subject_name
    from entries e
    left join users u on u.id = e.actor_id
    left join teams t on t.id = u.team_id
    where ${conditions(filters)}
    order by e.at desc, e.source, e.id desc
    limit ${limit}`);
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: Row[] }).rows) as Row[];
  return rows.map(toEntry);
}

/** Who has read or changed one referral, newest first: the history shown on the referral's page. */
export function referralAccessHistory(reader: CurrentUser, referralId: string, limit = 200) {
  return auditTrail(reader, { referral: referralId }, limit);
}

/** The people and organisations the filters offer. */
export async function auditFilterChoices() {
  const db = await getDb();
  const [people, organisations] = await Promise.all([
    db.execute(sql`select id::text as id, name, role::text as role from users order by name`),
    db.execute(sql`select id::text as id, name from organisations order by name`),
  ]);
  const rows = <T>(r: unknown) => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
  return { people: rows<{ id: string; name: string; role: string }>(people), organisations: rows<{ id: string; name: string }>(organisations) };
}

export const AUDIT_CSV_LIMIT = 50_000;

export function auditTrailCsv(entries: AuditTrailEntry[]) {
  return toCsv({
    columns: ["When (UTC)", "Person", "Role", "Organisation", "What", "Referral reference", "About", "Reason given", "IP address"],
    rows: entries.map((e) => [
      e.at.replace("T", " ").slice(0, 19),
      e.person,
      e.role,
      e.organisation,
      e.what,
      e.reference ?? "",
      e.subject,
      e.reason ?? "",
      e.ip ?? "",
    ]),
  });
}

/**
 * Deletes audit and access-log entries older than the retention period: the one deletion the database allows
 * on them, marked for the trigger by a setting local to this transaction. Records its own run.
 */
export async function pruneAuditLogs(months = config().AUDIT_RETENTION_MONTHS): Promise<number> {
  const db = await getDb();
  const cutoff = clock.now().toISOString();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('fort.audit_retention', 'on', true)`);
    const access = await tx.execute(sql`delete from referral_access_log where at < ${cutoff}::timestamptz - make_interval(months => ${months}) returning id`);
    const log = await tx.execute(sql`delete from audit_log where at < ${cutoff}::timestamptz - make_interval(months => ${months}) returning id`);
    await tx.execute(sql`select set_config('fort.audit_retention', '', true)`);
    const count = (r: unknown) => (Array.isArray(r) ? r.length : ((r as { rows: unknown[] }).rows?.length ?? 0));
    const removed = count(access) + count(log);
    if (removed > 0) await audit({ actorId: null, action: "audit_entries_expired", details: { count: removed, retentionMonths: months } }, tx);
    return removed;
  });
}
