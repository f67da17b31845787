// A small map of a service's location(s) on its page (browser only).
import L from "leaflet";
import { useState } from "react";
import { MapContainer, Marker, TileLayer, Tooltip } from "react-leaflet";

export interface MappedLocation {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
}

const pin = L.divIcon({ className: "fort-marker", html: "", iconSize: [24, 24] });

export default function LocationMap({ locations, tileUrl, attribution }: { locations: MappedLocation[]; tileUrl: string; attribution: string }) {
  const [tilesFailed, setTilesFailed] = useState(false);
  const bounds = L.latLngBounds(locations.map((l) => [l.latitude, l.longitude] as [number, number]));
  return (
    <div className="fort-map fort-service-map">
      <MapContainer
        bounds={bounds}
        boundsOptions={{ padding: [40, 40], maxZoom: 15 }}
        maxZoom={18}
        className="fort-map__canvas"
        scrollWheelZoom={false}
        ref={(map) => {
          map?.getContainer().setAttribute("role", "region");
          map?.getContainer().setAttribute("aria-label", `Map showing ${locations.map((l) => l.name).join(" and ")}`);
        }}
      >
        <TileLayer url={tileUrl} attribution={attribution} maxZoom={18} eventHandlers={{ tileerror: () => setTilesFailed(true) }} />
        {locations.map((l) => (
          <Marker key={l.id} position={[l.latitude, l.longitude]} icon={pin} title={l.name} keyboard={false}>
            <Tooltip>{l.name}</Tooltip>
          </Marker>
        ))}
      </MapContainer>
      {tilesFailed && <p className="fort-map__notice">The map background could not be loaded; the address is above.</p>}
    </div>
  );
}
