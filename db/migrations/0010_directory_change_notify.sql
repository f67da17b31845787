-- Every change to what the public directory shows announces itself on the channel fort_directory, so each app
-- server's in-memory map index (app/directory/map-index.server.ts) reloads within moments, whichever code or tool
-- made the change. Statement-level triggers: one notice per statement, and PostgreSQL folds identical notices of
-- one transaction into one, sent only if the transaction commits. The payload names only the table.
CREATE OR REPLACE FUNCTION fort_notify_directory_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fort_directory', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER services_notify_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON services FOR EACH STATEMENT EXECUTE FUNCTION fort_notify_directory_change();
--> statement-breakpoint
CREATE TRIGGER locations_notify_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON locations FOR EACH STATEMENT EXECUTE FUNCTION fort_notify_directory_change();
--> statement-breakpoint
CREATE TRIGGER service_at_locations_notify_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_at_locations FOR EACH STATEMENT EXECUTE FUNCTION fort_notify_directory_change();
--> statement-breakpoint
CREATE TRIGGER service_taxonomy_terms_notify_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_taxonomy_terms FOR EACH STATEMENT EXECUTE FUNCTION fort_notify_directory_change();
--> statement-breakpoint
CREATE TRIGGER service_areas_notify_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_areas FOR EACH STATEMENT EXECUTE FUNCTION fort_notify_directory_change();
--> statement-breakpoint
CREATE TRIGGER organisations_notify_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organisations FOR EACH STATEMENT EXECUTE FUNCTION fort_notify_directory_change();
--> statement-breakpoint
CREATE TRIGGER taxonomy_terms_notify_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON taxonomy_terms FOR EACH STATEMENT EXECUTE FUNCTION fort_notify_directory_change();
