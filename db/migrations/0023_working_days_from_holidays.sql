-- Working days (issue 15): from now on the non-working days are rows of non_working_days, which coordinators change
-- at runtime, so working_days_between() reads the table (STABLE, no longer IMMUTABLE) and the two columns that were
-- generated from it are kept by triggers instead (docs/decisions/0024-working-days-and-holidays.md).
--
-- The working days after the day of from_at up to and including the day of to_at, in UTC: Mondays to Fridays in
-- closed form (1970-01-05 was a Monday), less the non-working days on a weekday in that span. The same count as
-- workingDaysSince() in app/calendar/working-days.ts (test/integration/working-days-sql.test.ts).
CREATE OR REPLACE FUNCTION "working_days_between"(from_at timestamptz, to_at timestamptz) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT (5 * (((to_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) / 7) + least(((to_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) % 7, 5))
    - (5 * (((from_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) / 7) + least(((from_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) % 7, 5))
    - (SELECT count(*)::int FROM "non_working_days" h
       WHERE h.day > (from_at AT TIME ZONE 'UTC')::date AND h.day <= (to_at AT TIME ZONE 'UTC')::date AND extract(isodow FROM h.day) < 6)
$$;
--> statement-breakpoint
-- A referral's working days to its first response and to closing, whenever a column they depend on is written.
CREATE OR REPLACE FUNCTION fort_referral_working_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.response_working_days := working_days_between(NEW.sent_at, NEW.first_response_at);
  NEW.close_working_days := CASE WHEN NEW.state = 'closed' THEN working_days_between(NEW.sent_at, NEW.closed_at) END;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER referrals_working_days BEFORE INSERT OR UPDATE OF sent_at, first_response_at, closed_at, state, response_working_days, close_working_days
  ON referrals FOR EACH ROW EXECUTE FUNCTION fort_referral_working_days();
--> statement-breakpoint
-- Recounts the referrals whose span (the day after sending up to the first response or closing) covers one of the
-- given days. Writing sent_at to itself runs the trigger above; the roll-up trigger then marks the months whose
-- figures changed as dirty (migration report_rollups_trigger), so the dashboard stays equal to the live SQL.
CREATE OR REPLACE FUNCTION fort_recount_working_days(days date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF days IS NULL OR cardinality(days) = 0 THEN
    RETURN;
  END IF;
  UPDATE referrals r SET sent_at = r.sent_at
  WHERE r.sent_at IS NOT NULL
    AND r.sent_at < ((SELECT max(d) FROM unnest(days) AS d) + 1)::timestamp AT TIME ZONE 'UTC'
    AND EXISTS (
      SELECT 1 FROM unnest(days) AS d
      WHERE d > (r.sent_at AT TIME ZONE 'UTC')::date
        AND (d <= (r.first_response_at AT TIME ZONE 'UTC')::date OR d <= (r.closed_at AT TIME ZONE 'UTC')::date)
    );
END;
$$;
--> statement-breakpoint
-- Once per statement, with the changed rows, so a migration writing years of bank holidays recounts in one pass.
CREATE OR REPLACE FUNCTION fort_non_working_days_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM fort_recount_working_days(ARRAY(SELECT day FROM new_days));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM fort_recount_working_days(ARRAY(SELECT day FROM old_days));
  ELSE
    PERFORM fort_recount_working_days(ARRAY(SELECT day FROM old_days UNION SELECT day FROM new_days));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER non_working_days_inserted AFTER INSERT ON non_working_days REFERENCING NEW TABLE AS new_days
  FOR EACH STATEMENT EXECUTE FUNCTION fort_non_working_days_changed();
--> statement-breakpoint
CREATE TRIGGER non_working_days_deleted AFTER DELETE ON non_working_days REFERENCING OLD TABLE AS old_days
  FOR EACH STATEMENT EXECUTE FUNCTION fort_non_working_days_changed();
--> statement-breakpoint
CREATE TRIGGER non_working_days_updated AFTER UPDATE ON non_working_days REFERENCING OLD TABLE AS old_days NEW TABLE AS new_days
  FOR EACH STATEMENT EXECUTE FUNCTION fort_non_working_days_changed();
--> statement-breakpoint
-- The columns were generated until now: recount every sent referral once with the function above.
UPDATE referrals SET sent_at = sent_at WHERE sent_at IS NOT NULL;
