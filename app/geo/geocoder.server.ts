// The geocoder this deployment uses: the offline open-data one by default, or a postcodes.io-compatible
// service when GEOCODER_URL is set (falling back to the offline data for names it does not know or when it is down).
import { config } from "../config.server";
import type { GeocodedPlace, Geocoder } from "./geocoder";
import { parsePlaceQuery } from "./geocoder";
import { OfflineGeocoder } from "./offline-geocoder.server";

const TIMEOUT_MS = 2_000;

/** Speaks the postcodes.io API (https://postcodes.io/docs): /postcodes/:postcode and /outcodes/:outcode. */
export class PostcodesIoGeocoder implements Geocoder {
  constructor(
    private readonly baseUrl: string,
    private readonly fallback: Geocoder,
  ) {}

  async lookup(query: string): Promise<GeocodedPlace | null> {
    const parsed = parsePlaceQuery(query);
    if (!parsed) return null;
    const request =
      parsed.kind === "postcode"
        ? { path: `postcodes/${encodeURIComponent(parsed.postcode)}`, label: parsed.postcode, kind: "postcode" as const }
        : parsed.kind === "district"
          ? { path: `outcodes/${encodeURIComponent(parsed.outcode)}`, label: parsed.outcode, kind: "district" as const }
          : null;
    if (request) {
      try {
        const response = await fetch(new URL(request.path, this.baseUrl.endsWith("/") ? this.baseUrl : `${this.baseUrl}/`), {
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (response.ok) {
          const body = (await response.json()) as { result?: { latitude?: number; longitude?: number } };
          if (typeof body.result?.latitude === "number" && typeof body.result.longitude === "number") {
            return {
              label: request.label,
              kind: request.kind,
              latitude: body.result.latitude,
              longitude: body.result.longitude,
            };
          }
        }
      } catch {
        // Service unreachable or slow: the offline data still answers.
      }
    }
    return this.fallback.lookup(query);
  }
}

let geocoder: Geocoder | undefined;

export function getGeocoder(): Geocoder {
  if (!geocoder) {
    const offline = new OfflineGeocoder();
    const url = config().GEOCODER_URL;
    geocoder = url ? new PostcodesIoGeocoder(url, offline) : offline;
  }
  return geocoder;
}
