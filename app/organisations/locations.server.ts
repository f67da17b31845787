// Providers keep their organisation's buildings up to date. An address is placed on the map from its postcode
// (open data, no outside service), and changes show at once: they are facts about a building, not a service's offer.
import { and, asc, eq, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { locationEditScope, mayEditLocation } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { getDb } from "../db.server";
import { NotFound, Refused } from "../domain/errors";
import { clearMapCache } from "../directory/map-cache.server";
import { listAreas } from "../geo/areas.server";
import { lookUpPostcode } from "../geo/postcodes.server";
import type { LocationForm } from "./location-form";

/** Locations the user keeps (the policy's rule, as SQL). */
const ownedBy = locationEditScope;

export async function listManagedLocations(user: CurrentUser) {
  const db = await getDb();
  return db
    .select({
      id: s.locations.id,
      name: s.locations.name,
      address1: s.locations.address1,
      postcode: s.locations.postcode,
      services: sql<number>`(select count(*)::int from ${s.serviceAtLocations} sal where sal.location_id = ${s.locations.id})`,
    })
    .from(s.locations)
    .where(ownedBy(user))
    .orderBy(asc(s.locations.name));
}

export async function getLocationForEditing(user: CurrentUser, locationId: string): Promise<LocationForm | null> {
  const db = await getDb();
  const [row] = await db
    .select({
      name: s.locations.name,
      address1: s.locations.address1,
      city: s.locations.city,
      postcode: s.locations.postcode,
      accessibility: s.locations.accessibility,
    })
    .from(s.locations)
    .where(and(eq(s.locations.id, locationId), ownedBy(user)));
  return row ? { ...row, accessibility: row.accessibility as LocationForm["accessibility"] } : null;
}

function place(postcode: string) {
  const found = lookUpPostcode(postcode);
  if (!found || found.approximate) throw Refused.field("postcode", "We could not find that postcode. Check it, or enter a full postcode like DD1 4HN");
  const ward = found.wardName ? listAreas().find((a) => a.name === found.wardName) : undefined;
  return { postcode: found.postcode, latitude: found.latitude, longitude: found.longitude, wardCode: ward?.code ?? null, wardName: found.wardName };
}

/** Which location: an existing one by id, or a new one in a named organisation (never guessed from memberships). */
export type LocationTarget = { locationId: string } | { organisationId: string };

/** Saves a location the user keeps. Refused on the postcode field when it cannot be placed; NotFound when not theirs. */
export async function saveLocation(user: CurrentUser, target: LocationTarget, form: LocationForm, ip: string): Promise<{ id: string }> {
  if ("organisationId" in target && !mayEditLocation(user, target)) throw new NotFound("You cannot add locations to that organisation.");
  const placed = place(form.postcode);
  const values = {
    name: form.name,
    address1: form.address1,
    city: form.city,
    postcode: placed.postcode,
    latitude: placed.latitude,
    longitude: placed.longitude,
    wardCode: placed.wardCode,
    wardName: placed.wardName,
    accessibility: form.accessibility,
    updatedAt: clock.now(),
  };
  const db = await getDb();
  let id: string | undefined;
  if ("locationId" in target) {
    const [row] = await db
      .update(s.locations)
      .set(values)
      .where(and(eq(s.locations.id, target.locationId), ownedBy(user)))
      .returning({ id: s.locations.id });
    id = row?.id;
  } else {
    const [row] = await db
      .insert(s.locations)
      .values({ ...values, organisationId: target.organisationId })
      .returning({ id: s.locations.id });
    id = row?.id;
  }
  if (!id) throw new NotFound("You cannot change this location.");
  await audit({ actorId: user.id, action: "location_saved", subjectType: "location", subjectId: id, ip, details: { postcode: placed.postcode } });
  clearMapCache();
  return { id };
}
