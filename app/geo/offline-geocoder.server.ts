// Place look-up from the open data shipped in geodata/ (ONS NSPL postcodes, UK postcode districts,
// Dundee neighbourhood names). Loaded once, on first use, into memory (about 12,000 rows).
import { readFileSync } from "node:fs";
import path from "node:path";
import { type GeocodedPlace, type Geocoder, normalisePlaceName, parsePlaceQuery } from "./geocoder";

interface Point {
  latitude: number;
  longitude: number;
}

interface PlaceRow extends Point {
  label: string;
}

interface Gazetteer {
  postcodes: Map<string, Point>;
  sectors: Map<string, Point>;
  districts: Map<string, Point>;
  places: Map<string, PlaceRow>;
}

function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, "utf8").split(/\r?\n/).filter(Boolean);
  const columns = header!.split(",");
  // The files have no quoted commas (checked in geodata/README.md's build), so a plain split is enough.
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ""]));
  });
}

function point(row: Record<string, string>): Point {
  return { latitude: Number(row.lat), longitude: Number(row.lng) };
}

export function loadGazetteer(directory: string): Gazetteer {
  const postcodes = new Map<string, Point>();
  for (const row of readCsv(path.join(directory, "dd_postcodes.csv"))) postcodes.set(row.postcode!, point(row));
  const sectors = new Map<string, Point>();
  for (const row of readCsv(path.join(directory, "dd_postcode_sectors.csv"))) sectors.set(row.sector!, point(row));
  const districts = new Map<string, Point>();
  for (const row of readCsv(path.join(directory, "uk_outcode_centroids.csv"))) districts.set(row.outcode!, point(row));
  const places = new Map<string, PlaceRow>();
  for (const row of readCsv(path.join(directory, "dundee_places.csv"))) {
    const place = { label: row.name!, ...point(row) };
    for (const name of [row.name!, ...(row.aliases ?? "").split(";")]) {
      const key = normalisePlaceName(name);
      if (key && !places.has(key)) places.set(key, place);
    }
  }
  return { postcodes, sectors, districts, places };
}

/** Edit distance, for forgiving one slip in a place name ("Lochie" → Lochee). */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

export class OfflineGeocoder implements Geocoder {
  private gazetteer: Gazetteer | undefined;

  constructor(private readonly directory = path.resolve(process.cwd(), "geodata")) {}

  private data(): Gazetteer {
    this.gazetteer ??= loadGazetteer(this.directory);
    return this.gazetteer;
  }

  async lookup(query: string): Promise<GeocodedPlace | null> {
    return this.lookupSync(query);
  }

  lookupSync(query: string): GeocodedPlace | null {
    const parsed = parsePlaceQuery(query);
    if (!parsed) return null;
    const { postcodes, sectors, districts, places } = this.data();
    switch (parsed.kind) {
      case "postcode": {
        const exact = postcodes.get(parsed.postcode);
        if (exact) return { label: parsed.postcode, kind: "postcode", ...exact };
        // Outside the postcode areas we hold in full, the district's centre is close enough to sort by distance.
        const district = districts.get(parsed.outcode);
        return district ? { label: parsed.outcode, kind: "district", ...district } : null;
      }
      case "sector": {
        const sector = sectors.get(parsed.sector);
        if (sector) return { label: parsed.sector, kind: "sector", ...sector };
        const district = districts.get(parsed.outcode);
        return district ? { label: parsed.outcode, kind: "district", ...district } : null;
      }
      case "district": {
        const district = districts.get(parsed.outcode);
        return district ? { label: parsed.outcode, kind: "district", ...district } : null;
      }
      case "place": {
        const key = normalisePlaceName(parsed.name);
        if (!key) return null;
        const exact = places.get(key);
        if (exact) return { label: exact.label, kind: "place", latitude: exact.latitude, longitude: exact.longitude };
        if (key.length < 5) return null;
        let best: { place: PlaceRow; distance: number } | undefined;
        for (const [name, place] of places) {
          const distance = editDistance(key, name);
          if (distance <= 1 && (!best || distance < best.distance)) best = { place, distance };
        }
        return best ? { label: best.place.label, kind: "place", latitude: best.place.latitude, longitude: best.place.longitude } : null;
      }
    }
  }
}
