-- Issue 12: websites are http(s) addresses only. Rows that got in before the check (a javascript: or data:
-- "website" from a form or an Open Referral import) lose the link; the rest of the record is kept.
UPDATE "organisations" SET "website" = NULL
WHERE "website" IS NOT NULL AND "website" !~* '^https?://[^[:space:][:cntrl:]\\/]+(/[^[:space:][:cntrl:]\\]*)?$';
--> statement-breakpoint
UPDATE "services" SET "url" = NULL
WHERE "url" IS NOT NULL AND "url" !~* '^https?://[^[:space:][:cntrl:]\\/]+(/[^[:space:][:cntrl:]\\]*)?$';
--> statement-breakpoint
-- Changes waiting for approval carry the proposed service as JSON.
UPDATE "service_revisions" SET "proposed" = jsonb_set("proposed", '{url}', 'null'::jsonb)
WHERE jsonb_typeof("proposed" -> 'url') = 'string'
  AND ("proposed" ->> 'url') !~* '^https?://[^[:space:][:cntrl:]\\/]+(/[^[:space:][:cntrl:]\\]*)?$';
--> statement-breakpoint
-- A backstop for any way in the application code does not know about (a script, a hand-written SQL fix).
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_website_is_web_url"
  CHECK ("website" IS NULL OR "website" ~* '^https?://[^[:space:][:cntrl:]\\/]+(/[^[:space:][:cntrl:]\\]*)?$');
--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_url_is_web_url"
  CHECK ("url" IS NULL OR "url" ~* '^https?://[^[:space:][:cntrl:]\\/]+(/[^[:space:][:cntrl:]\\]*)?$');
