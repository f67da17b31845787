import { config } from "../config.server";

/** What the browser needs to draw a map: the configured tile server and its attribution. */
export function mapSettings() {
  const { MAP_TILE_URL, MAP_TILE_ATTRIBUTION } = config();
  return { tileUrl: MAP_TILE_URL, attribution: MAP_TILE_ATTRIBUTION };
}
