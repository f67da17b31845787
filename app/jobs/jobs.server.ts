// Every recurring job FORT runs. `npm run job -- <name>` runs one once from the command line.
import { sendFreshnessReminders } from "../directory/freshness.server";
import { deliverPendingMail } from "../mail/mail.server";
import { backfillReferralAreas } from "../reports/areas.server";
import { flagOverdueReferrals } from "../reports/overdue.server";
import { pruneAuditLogs } from "../audit/audit-trail.server";
import { anonymiseExpiredReferrals } from "../reports/retention.server";
import { refreshReportRollups } from "../reports/rollups.server";
import { anonymiseDeactivatedAccounts, closeInactiveReferrals, deleteAbandonedDrafts, purgeDeliveredMailBodies } from "../privacy/retention.server";
import { encryptPersonalData } from "../privacy/encryption.server";
import type { JobDefinition } from "./scheduler.server";

export const JOBS: JobDefinition[] = [
  {
    name: "mail-delivery",
    intervalSeconds: 60,
    run: async () => {
      const { sent, failed } = await deliverPendingMail(200);
      return sent || failed ? `${sent} sent, ${failed} failed` : "";
    },
  },
  {
    name: "freshness-reminders",
    intervalSeconds: 24 * 3600,
    run: async () => `${await sendFreshnessReminders()} reminders queued`,
  },
  // Reports (issue 6).
  {
    name: "overdue-referrals",
    intervalSeconds: 3600,
    run: async () => `${await flagOverdueReferrals()} referrals flagged overdue`,
  },
  {
    name: "referral-retention",
    intervalSeconds: 24 * 3600,
    run: async () => `${await anonymiseExpiredReferrals()} referrals anonymised`,
  },
  {
    // Issue 15: the only deletion the audit logs allow, of entries older than AUDIT_RETENTION_MONTHS.
    name: "audit-retention",
    intervalSeconds: 24 * 3600,
    run: async () => `${await pruneAuditLogs()} audit entries past the retention period deleted`,
  },
  {
    // Monthly roll-ups of the dashboard (issue 14): months changed since are read live meanwhile, so this only
    // decides how much of a long range is answered from the roll-ups.
    name: "report-rollups",
    intervalSeconds: 600,
    run: async () => `${await refreshReportRollups()} months rolled up`,
  },
  {
    // Fills the ward and sector of referrals sent before they were recorded; nothing to do after that.
    name: "referral-areas",
    intervalSeconds: 24 * 3600,
    run: async () => `${await backfillReferralAreas()} referral areas filled`,
  },
  // Issue 18: seals rows written before encryption and re-seals values under an earlier key after a key change.
  {
    name: "personal-data-encryption",
    intervalSeconds: 24 * 3600,
    run: async () => {
      const c = await encryptPersonalData();
      return `${c.referrals} referrals, ${c.messages} messages, ${c.notes} notes and ${c.drafts} drafts sealed under the current key`;
    },
  },
  // Retention of every other copy of personal data (issue 18).
  {
    name: "draft-retention",
    intervalSeconds: 24 * 3600,
    run: async () => `${await deleteAbandonedDrafts()} abandoned drafts deleted`,
  },
  {
    name: "inactive-referrals",
    intervalSeconds: 24 * 3600,
    run: async () => `${await closeInactiveReferrals()} inactive referrals closed`,
  },
  {
    name: "mail-body-retention",
    intervalSeconds: 24 * 3600,
    run: async () => `${await purgeDeliveredMailBodies()} mail bodies purged`,
  },
  {
    name: "account-retention",
    intervalSeconds: 24 * 3600,
    run: async () => `${await anonymiseDeactivatedAccounts()} deactivated accounts anonymised`,
  },
];
