-- Generated from app/calendar/working-days.ts by `npm run db:working-days`: do not edit by hand.
CREATE OR REPLACE FUNCTION "working_days_between"(from_at timestamptz, to_at timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (5 * (((to_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) / 7) + least(((to_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) % 7, 5)) - (5 * (((from_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) / 7) + least(((from_at AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) % 7, 5))
$$;
