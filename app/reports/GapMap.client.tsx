// The gap map: wards shaded by referral demand, suppressed wards hatched grey. Browser only (Leaflet);
// the table on the page holds the same figures for everyone else.
import type { Feature, FeatureCollection } from "geojson";
import type { Layer, PathOptions } from "leaflet";
import { GeoJSON, MapContainer, TileLayer } from "react-leaflet";
import { gapBands, gapShade } from "./gap-shades";
import type { GapRow } from "./gaps.server";

export default function GapMap({
  wards,
  rows,
  threshold,
  needName,
  tileUrl,
  attribution,
}: {
  wards: FeatureCollection;
  rows: GapRow[];
  threshold: number;
  needName: string | null;
  tileUrl: string;
  attribution: string;
}) {
  const byCode = new Map(rows.map((r) => [r.wardCode, r]));
  const bands = gapBands(Math.max(0, ...rows.map((r) => r.demand ?? 0)), threshold);
  const count = (n: number | null) => (n === null ? `fewer than ${threshold}` : String(n));
  const style = (feature?: Feature): PathOptions => {
    const row = byCode.get(String(feature?.properties?.ward_code));
    return {
      color: row && row.unmet !== null ? "#d32205" : "#333",
      weight: row && row.unmet !== null ? 4 : 1.5,
      fillColor: gapShade(row?.demand ?? null, bands),
      fillOpacity: 0.7,
    };
  };
  const onEachFeature = (feature: Feature, layer: Layer) => {
    const row = byCode.get(String(feature.properties?.ward_code));
    if (!row) return;
    const wait = row.longestWaitWeeks ? `, longest wait ${row.longestWaitWeeks} weeks` : "";
    layer.bindTooltip(
      `<strong>${row.wardName}</strong><br>${count(row.demand)} ${needName ? `‘${needName}’ ` : ""}referrals; unmet: ${count(row.unmet)}<br>${row.servicesCovering} service${row.servicesCovering === 1 ? "" : "s"} cover it (${row.servicesAccepting} accepting${wait})`,
      { sticky: true },
    );
  };
  return (
    <MapContainer center={[56.475, -2.99]} zoom={11} scrollWheelZoom={false} className="fort-gap-map">
      <TileLayer url={tileUrl} attribution={attribution} />
      <GeoJSON key={JSON.stringify(rows)} data={wards} style={style} onEachFeature={onEachFeature} />
    </MapContainer>
  );
}
