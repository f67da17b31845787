-- The audit log and the referral access log are append-only: the application may add rows, never change or
-- remove them. Only the retention job, which sets fort.audit_retention for its own transaction, may delete
-- rows older than the retention period. A foreign key clearing an erased account's id (the trigger's
-- argument names that column) is allowed: the row keeps everything else.
CREATE OR REPLACE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  person_column text := TG_ARGV[0];
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('fort.audit_retention', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) ->> person_column) IS NULL AND (to_jsonb(OLD) ->> person_column) IS NOT NULL
     AND (to_jsonb(NEW) - person_column) = (to_jsonb(OLD) - person_column) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit_change('actor_id');
--> statement-breakpoint
CREATE TRIGGER referral_access_log_append_only BEFORE UPDATE OR DELETE ON referral_access_log FOR EACH ROW EXECUTE FUNCTION refuse_audit_change('user_id');
