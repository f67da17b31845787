// Wards for reports and the gap map, and filling the area of referrals sent before areas were recorded.
// The area of one postcode is geography's (app/geo/postcodes.server.ts: referralArea).
import { open } from "../privacy/crypto.server";
import { readFileSync } from "node:fs";
import path from "node:path";
import { and, isNotNull, isNull, eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { getDb } from "../db.server";
import { referralArea } from "../geo/postcodes.server";

export interface Ward {
  code: string;
  name: string;
}

interface WardFeature {
  type: "Feature";
  properties: { ward_code: string; ward_name: string };
  geometry: unknown;
}

let wardGeoJson: { type: "FeatureCollection"; features: WardFeature[] } | undefined;

/** Ward boundaries shipped in geodata/ (ONS, Open Government Licence), with only the properties FORT uses. */
export function wardBoundaries() {
  if (!wardGeoJson) {
    const raw = JSON.parse(readFileSync(path.resolve(process.cwd(), "geodata/dundee_wards.geojson"), "utf8")) as { features: WardFeature[] };
    wardGeoJson = {
      type: "FeatureCollection",
      features: raw.features.map((f) => ({
        type: "Feature",
        properties: { ward_code: f.properties.ward_code, ward_name: f.properties.ward_name },
        geometry: f.geometry,
      })),
    };
  }
  return wardGeoJson;
}

export function wards(): Ward[] {
  return wardBoundaries()
    .features.map((f) => ({ code: f.properties.ward_code, name: f.properties.ward_name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Fills the area of referrals sent before areas were recorded. Idempotent; returns how many it filled. */
export async function backfillReferralAreas(batch = 1000): Promise<number> {
  const db = await getDb();
  let filled = 0;
  for (;;) {
    const rows = await db
      .select({ id: s.referrals.id, postcode: s.referrals.childPostcode })
      .from(s.referrals)
      .where(and(isNull(s.referrals.postcodeSector), isNull(s.referrals.wardCode), isNotNull(s.referrals.childPostcode), isNull(s.referrals.anonymisedAt)))
      .limit(batch);
    const fillable = rows.map((r) => ({ id: r.id, ...referralArea(open(r.postcode)) })).filter((r) => r.postcodeSector || r.wardCode);
    for (const r of fillable) {
      await db.update(s.referrals).set({ wardCode: r.wardCode, postcodeSector: r.postcodeSector }).where(eq(s.referrals.id, r.id));
    }
    filled += fillable.length;
    // Rows whose postcode gives no area stay empty; stop rather than loop over them again.
    if (rows.length < batch || fillable.length === 0) return filled;
  }
}
