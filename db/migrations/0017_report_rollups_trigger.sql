-- Dashboard roll-ups (issue 14): any change to a referral that the dashboard counts marks the month it was sent in
-- (before and after the change) as dirty, so app/reports/rollups.server.ts reads that month live until the
-- "report-rollups" job rolls it up again. Only changes to reported columns mark a month: a note or a read receipt
-- does not. The conflict case is a primary-key probe without a lock, so the send path pays next to nothing.
CREATE OR REPLACE FUNCTION fort_mark_rollup_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.sent_month IS NOT NULL THEN
    INSERT INTO referral_rollup_dirty (period) VALUES (OLD.sent_month) ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.sent_month IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.sent_month IS DISTINCT FROM OLD.sent_month) THEN
    INSERT INTO referral_rollup_dirty (period) VALUES (NEW.sent_month) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER referrals_mark_rollup_dirty_insert AFTER INSERT OR DELETE ON referrals
  FOR EACH ROW EXECUTE FUNCTION fort_mark_rollup_dirty();
--> statement-breakpoint
CREATE TRIGGER referrals_mark_rollup_dirty_update AFTER UPDATE ON referrals
  FOR EACH ROW WHEN (
    (OLD.state, OLD.sent_month, OLD.ward_code, OLD.service_id, OLD.organisation_id, OLD.need_mask, OLD.need_outcome_bits,
      OLD.decline_reason, OLD.close_outcome, OLD.response_working_days, OLD.close_working_days)
    IS DISTINCT FROM
    (NEW.state, NEW.sent_month, NEW.ward_code, NEW.service_id, NEW.organisation_id, NEW.need_mask, NEW.need_outcome_bits,
      NEW.decline_reason, NEW.close_outcome, NEW.response_working_days, NEW.close_working_days)
  ) EXECUTE FUNCTION fort_mark_rollup_dirty();
