// Providers keep their organisation's buildings up to date. An address is placed on the map from its postcode
// (open data, no outside service), and changes show at once: they are facts about a building, not a service's offer.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { managedOrganisationIds } from "../auth/permissions.server";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { getDb } from "../db.server";
import { clearMapCache } from "../directory/map-cache.server";
import { listAreas } from "../geo/areas.server";
import { lookUpPostcode } from "../geo/postcodes.server";
import type { LocationForm } from "./location-form";

function ownedBy(user: CurrentUser) {
  const orgs = managedOrganisationIds(user);
  return orgs.length ? inArray(s.locations.organisationId, orgs) : sql`false`;
}

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
    .select({ name: s.locations.name, address1: s.locations.address1, city: s.locations.city, postcode: s.locations.postcode, accessibility: s.locations.accessibility })
    .from(s.locations)
    .where(and(eq(s.locations.id, locationId), ownedBy(user)));
  return row ? { ...row, accessibility: row.accessibility as LocationForm["accessibility"] } : null;
}

type Placed = { ok: true; postcode: string; latitude: number; longitude: number; wardCode: string | null; wardName: string | null } | { ok: false; message: string };

function place(postcode: string): Placed {
  const found = lookUpPostcode(postcode);
  if (!found || found.approximate) return { ok: false, message: "We could not find that postcode. Check it, or enter a full postcode like DD1 4HN" };
  const ward = found.wardName ? listAreas().find((a) => a.name === found.wardName) : undefined;
  return { ok: true, postcode: found.postcode, latitude: found.latitude, longitude: found.longitude, wardCode: ward?.code ?? null, wardName: found.wardName };
}

export type LocationResult = { ok: true; id: string } | { ok: false; field: "postcode" | "form"; message: string };

export async function saveLocation(user: CurrentUser, locationId: string | null, form: LocationForm, ip: string): Promise<LocationResult> {
  const placed = place(form.postcode);
  if (!placed.ok) return { ok: false, field: "postcode", message: placed.message };
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
  if (locationId) {
    const [row] = await db.update(s.locations).set(values).where(and(eq(s.locations.id, locationId), ownedBy(user))).returning({ id: s.locations.id });
    id = row?.id;
  } else {
    const organisationId = managedOrganisationIds(user)[0];
    if (organisationId) {
      const [row] = await db.insert(s.locations).values({ ...values, organisationId }).returning({ id: s.locations.id });
      id = row?.id;
    }
  }
  if (!id) return { ok: false, field: "form", message: "You cannot change this location." };
  await audit({ actorId: user.id, action: "location_saved", subjectType: "location", subjectId: id, ip, details: { postcode: placed.postcode } });
  clearMapCache();
  return { ok: true, id };
}
