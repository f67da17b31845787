// Turning what someone typed ("DD4 6QA", "DD4", "Lochee") into a point. Shared by server and browser (types only).

export type PlaceKind = "postcode" | "sector" | "district" | "place";

export interface GeocodedPlace {
  /** What to show back to the person, e.g. "DD4 6QA", "DD4", "Lochee". */
  label: string;
  kind: PlaceKind;
  latitude: number;
  longitude: number;
}

/**
 * A place look-up. FORT ships an offline one built from open data (geodata/); a deployment can point
 * GEOCODER_URL at a postcodes.io-compatible service instead (see geocoder.server.ts).
 */
export interface Geocoder {
  /** The place, or null when it is not known. Never throws for unknown or odd input. */
  lookup(query: string): Promise<GeocodedPlace | null>;
}

const FULL_POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$/;
const SECTOR = /^([A-Z]{1,2}\d[A-Z\d]?)\s+(\d)$/;
const DISTRICT = /^[A-Z]{1,2}\d[A-Z\d]?$/;

export type ParsedQuery =
  | { kind: "postcode"; outcode: string; postcode: string }
  | { kind: "sector"; outcode: string; sector: string }
  | { kind: "district"; outcode: string }
  | { kind: "place"; name: string };

/** Recognises UK postcode shapes; anything else is taken as a place name. */
export function parsePlaceQuery(raw: string): ParsedQuery | null {
  const text = raw.trim().replace(/\s+/g, " ");
  if (!text) return null;
  const upper = text.toUpperCase();
  const full = FULL_POSTCODE.exec(upper);
  if (full) return { kind: "postcode", outcode: full[1]!, postcode: `${full[1]} ${full[2]}` };
  const sector = SECTOR.exec(upper);
  if (sector) return { kind: "sector", outcode: sector[1]!, sector: `${sector[1]} ${sector[2]}` };
  if (DISTRICT.test(upper)) return { kind: "district", outcode: upper };
  return { kind: "place", name: text };
}

/** Place names compared without case, punctuation or a leading "the". */
export function normalisePlaceName(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/['’.]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .replace(/^the /, "");
}
