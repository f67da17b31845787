// Postcode look-ups from the open data in geodata/ (ONS NSPL, OGL v3): a point and, for DD postcodes, the ward.
import { readFileSync } from "node:fs";
import path from "node:path";

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

/** "dd4 6qd" → "DD4 6QD"; null when it does not look like a UK postcode or district. */
export function normalisePostcode(input: string): string | null {
  const compact = input.replace(/\s+/g, "").toUpperCase();
  const full = /^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$/.exec(compact);
  if (full) return `${full[1]} ${full[2]}`;
  if (/^[A-Z]{1,2}\d[A-Z\d]?$/.test(compact)) return compact;
  return null;
}

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
