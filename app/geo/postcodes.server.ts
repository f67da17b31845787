// Postcode look-ups from the open data in geodata/ (ONS NSPL, OGL v3): a point and, for DD postcodes, the ward.
import { readFileSync } from "node:fs";
import path from "node:path";
import { listAreas } from "./areas.server";
import { normalisePostcode, sectorOfPostcode } from "./postcode";

export interface PostcodePoint {
  postcode: string;
  latitude: number;
  longitude: number;
  /** The council ward, when the full postcode is known. */
  wardName: string | null;
  /** True when only the district (outcode) was found, so the point is the district's centre. */
  approximate: boolean;
}

let tables: { postcodes: Map<string, { lat: number; lng: number; ward: string }>; outcodes: Map<string, { lat: number; lng: number }> } | undefined;

function load() {
  if (tables) return tables;
  const dir = path.resolve(process.cwd(), "geodata");
  const rows = (file: string) =>
    readFileSync(path.join(dir, file), "utf8")
      .split(/\r?\n/)
      .slice(1)
      .filter(Boolean)
      .map((line) => line.split(","));
  const postcodes = new Map<string, { lat: number; lng: number; ward: string }>();
  for (const [postcode, , , lat, lng, , ward] of rows("dd_postcodes.csv")) {
    postcodes.set(postcode!.replace(/\s/g, ""), { lat: Number(lat), lng: Number(lng), ward: ward ?? "" });
  }
  const outcodes = new Map<string, { lat: number; lng: number }>();
  for (const [outcode, lat, lng] of rows("uk_outcode_centroids.csv")) outcodes.set(outcode!, { lat: Number(lat), lng: Number(lng) });
  tables = { postcodes, outcodes };
  return tables;
}

export { normalisePostcode, sectorOfPostcode } from "./postcode";

export function lookUpPostcode(input: string): PostcodePoint | null {
  const postcode = normalisePostcode(input);
  if (!postcode) return null;
  const { postcodes, outcodes } = load();
  const exact = postcodes.get(postcode.replace(" ", ""));
  if (exact) return { postcode, latitude: exact.lat, longitude: exact.lng, wardName: exact.ward || null, approximate: false };
  const district = outcodes.get(postcode.split(" ")[0]!);
  if (district) return { postcode, latitude: district.lat, longitude: district.lng, wardName: null, approximate: true };
  return null;
}

/** The ward of a Dundee postcode (ONS NSPL, shipped in geodata/), or null when FORT does not know it. */
export function wardOfPostcode(postcode: string): string | null {
  const found = lookUpPostcode(postcode);
  return found && !found.approximate ? found.wardName : null;
}

/**
 * Where a referral comes from, for reporting only: the ward and postcode sector of the child's postcode at send
 * time. Never finer than a sector (a few thousand addresses), so no report can point at a household.
 */
export function referralArea(postcode: string | null | undefined): { wardCode: string | null; postcodeSector: string | null } {
  if (!postcode) return { wardCode: null, postcodeSector: null };
  const wardName = wardOfPostcode(postcode);
  const ward = wardName ? listAreas().find((w) => w.name === wardName) : undefined;
  return { wardCode: ward?.code ?? null, postcodeSector: sectorOfPostcode(postcode) };
}
