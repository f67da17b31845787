import { desc, eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { type Database, getDb } from "../db.server";

export type AuditAction =
  | "sign_in"
  | "sign_in_failed"
  | "sign_out"
  | "sign_out_everywhere"
  | "invitation_sent"
  | "invitation_to_existing_account"
  | "invitation_accepted"
  | "password_reset_requested"
  | "password_reset"
  | "role_changed"
  | "user_deactivated"
  | "user_reactivated"
  | "organisation_created"
  | "organisation_approved"
  | "service_submitted"
  | "service_approved"
  | "service_capacity_changed"
  | "location_saved"
  | "open_referral_import_applied"
  | "referrals_anonymised"
  | "audit_entries_expired"
  | "drafts_expired"
  | "inactive_referrals_closed"
  | "mail_bodies_purged"
  | "accounts_anonymised"
  | "personal_data_encrypted"
  | "subject_access_export"
  | "subject_erasure"
  | "local_holiday_added"
  | "local_holiday_removed";

export interface AuditEntry {
  actorId: string | null;
  action: AuditAction;
  subjectType?: string;
  subjectId?: string;
  ip?: string;
  details?: Record<string, unknown>;
}

/** Writes an audit row; pass a transaction so the row commits with the change it records. */
export async function audit(entry: AuditEntry, tx?: Database) {
  const db = tx ?? (await getDb());
  await db.insert(s.auditLog).values({ ...entry, details: entry.details ?? {} });
}

export async function recentAuditEntries(limit = 200) {
  const db = await getDb();
  return db
    .select({
      id: s.auditLog.id,
      at: s.auditLog.at,
      action: s.auditLog.action,
      subjectType: s.auditLog.subjectType,
      subjectId: s.auditLog.subjectId,
      ip: s.auditLog.ip,
      details: s.auditLog.details,
      actorName: s.users.name,
    })
    .from(s.auditLog)
    .leftJoin(s.users, eq(s.users.id, s.auditLog.actorId))
    .orderBy(desc(s.auditLog.id))
    .limit(limit);
}
