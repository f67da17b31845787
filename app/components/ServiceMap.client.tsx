// The directory's map (browser only; see docs/decisions/0004). It draws what /api/map returns for the
// current view and filters: single places as markers with a summary card, crowded areas as clusters.
import L from "leaflet";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { MapContainer, Marker, Popup, TileLayer, useMap, useMapEvents } from "react-leaflet";
import { useNavigate } from "@remix-run/react";
import type { BoundingBox } from "~/directory/filters";
import { formatCapacity } from "~/directory/format";
import type { MapCluster, MapSpot, MapView } from "~/directory/map";

export interface MapFocus {
  /** Fit the map to this area when the search changes. */
  bounds: BoundingBox | null;
  /** Or centre on this place (searching near it). */
  centre: { latitude: number; longitude: number } | null;
  /** Changes whenever the search (not the map area) changes, to refit the map. */
  key: string;
}

export interface HighlightedService {
  id: string;
  points: [number, number][];
}

interface Props {
  tileUrl: string;
  attribution: string;
  /** The directory filters as a query string, passed to /api/map. */
  filterQuery: string;
  /** The area the list is narrowed to (from the URL), if any. */
  bbox: BoundingBox | null;
  focus: MapFocus;
  highlighted: HighlightedService | null;
  /** Called after the person pans or zooms the map, with the area now in view. */
  onAreaChange: (bbox: BoundingBox) => void;
}

const UK: BoundingBox = [-8.2, 49.9, 1.8, 60.9];
const MAX_ZOOM = 18;
const PLACE_ZOOM = 13;

const toLatLngBounds = ([west, south, east, north]: BoundingBox) => L.latLngBounds([south, west], [north, east]);
const fromLatLngBounds = (b: L.LatLngBounds): BoundingBox => [
  Math.max(-180, b.getWest()),
  Math.max(-90, b.getSouth()),
  Math.min(180, b.getEast()),
  Math.min(90, b.getNorth()),
];

export default function ServiceMap(props: Props) {
  const [tilesFailed, setTilesFailed] = useState(false);
  // Open on the area in the URL, else around the place searched near, else on all the results.
  const initial = props.bbox
    ? { bounds: toLatLngBounds(props.bbox) }
    : props.focus.centre
      ? { center: L.latLng(props.focus.centre.latitude, props.focus.centre.longitude), zoom: PLACE_ZOOM }
      : { bounds: toLatLngBounds(props.focus.bounds ?? UK), boundsOptions: { padding: [24, 24] as [number, number], maxZoom: 15 } };
  return (
    <div className="fort-map">
      <MapContainer {...initial} maxZoom={MAX_ZOOM} className="fort-map__canvas" scrollWheelZoom attributionControl>
        <TileLayer url={props.tileUrl} attribution={props.attribution} maxZoom={MAX_ZOOM} eventHandlers={{ tileerror: () => setTilesFailed(true) }} />
        <MapContents {...props} />
      </MapContainer>
      {tilesFailed && <p className="fort-map__notice">The map background could not be loaded. The markers and the list of services still work.</p>}
    </div>
  );
}

function MapContents({ filterQuery, focus, highlighted, onAreaChange }: Props) {
  const map = useMap();
  const [view, setView] = useState<MapView | null>(null);
  const [failed, setFailed] = useState(false);
  const programmaticMove = useRef(false);
  const request = useRef<AbortController | null>(null);
  const areaTimer = useRef<ReturnType<typeof setTimeout>>();

  // Label the map for assistive technology; its keyboard equivalent is the list.
  useEffect(() => {
    const container = map.getContainer();
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", "Map of the services found. Every service on the map is also in the list.");
    // The layout around the map settles after Leaflet measures it (fonts, sticky column, phone rotation).
    const observer = new ResizeObserver(() => map.invalidateSize());
    observer.observe(container);
    return () => observer.disconnect();
  }, [map]);

  const load = useMemo(
    () => () => {
      request.current?.abort();
      const controller = new AbortController();
      request.current = controller;
      const params = new URLSearchParams(filterQuery);
      params.set(
        "bbox",
        fromLatLngBounds(map.getBounds())
          .map((n) => n.toFixed(5))
          .join(","),
      );
      params.set("zoom", String(Math.round(map.getZoom())));
      fetch(`/api/map?${params}`, { signal: controller.signal })
        .then((r) => (r.ok ? (r.json() as Promise<MapView>) : Promise.reject(new Error(String(r.status)))))
        .then((v) => {
          setView(v);
          setFailed(false);
        })
        .catch((error: unknown) => {
          if (!(error instanceof DOMException && error.name === "AbortError")) setFailed(true);
        });
    },
    [filterQuery, map],
  );

  // Refit when the search itself changes (not when only the map area does). The map opened on the right view.
  const focusKey = useRef(focus.key);
  useEffect(() => {
    if (focusKey.current === focus.key) return;
    focusKey.current = focus.key;
    // Without animation Leaflet fires moveend synchronously, so this move is not mistaken for the person's.
    programmaticMove.current = true;
    try {
      if (focus.centre) map.setView([focus.centre.latitude, focus.centre.longitude], PLACE_ZOOM, { animate: false });
      else if (focus.bounds) map.fitBounds(toLatLngBounds(focus.bounds), { padding: [24, 24], maxZoom: 15, animate: false });
    } finally {
      programmaticMove.current = false;
    }
  }, [focus, map]);

  useEffect(() => {
    load();
  }, [load]);
  useEffect(
    () => () => {
      request.current?.abort();
      clearTimeout(areaTimer.current);
    },
    [],
  );

  useMapEvents({
    moveend() {
      load();
      if (programmaticMove.current) return;
      clearTimeout(areaTimer.current);
      areaTimer.current = setTimeout(() => onAreaChange(fromLatLngBounds(map.getBounds())), 300);
    },
  });

  const highlightedSpot = (spot: MapSpot) => !!highlighted && spot.services.some((s) => s.id === highlighted.id);
  const highlightedCluster = (cluster: MapCluster) =>
    !!highlighted &&
    highlighted.points.some(([lat, lng]) => lat >= cluster.bounds[1] && lat <= cluster.bounds[3] && lng >= cluster.bounds[0] && lng <= cluster.bounds[2]);

  return (
    <>
      {failed && <div className="fort-map__notice fort-map__notice--overlay">The map could not load the services. The list still shows them.</div>}
      {view?.clusters.map((cluster) => (
        <ClusterMarker key={`c${cluster.lat},${cluster.lng},${cluster.count}`} cluster={cluster} highlighted={highlightedCluster(cluster)} />
      ))}
      {view?.points.map((spot) => (
        <SpotMarker key={`p${spot.lat},${spot.lng}`} spot={spot} highlighted={highlightedSpot(spot)} />
      ))}
    </>
  );
}

function ClusterMarker({ cluster, highlighted }: { cluster: MapCluster; highlighted: boolean }) {
  const map = useMap();
  const expand = () => {
    const bounds = toLatLngBounds(cluster.bounds);
    const target = map.getBoundsZoom(bounds, false, L.point(48, 48));
    if (target > map.getZoom()) map.fitBounds(bounds, { padding: [48, 48], maxZoom: MAX_ZOOM });
    else map.setView([cluster.lat, cluster.lng], Math.min(MAX_ZOOM, map.getZoom() + 2));
  };
  const size = cluster.count < 10 ? 34 : cluster.count < 100 ? 40 : cluster.count < 1000 ? 48 : 56;
  const icon = useMemo(
    () =>
      L.divIcon({
        className: `fort-cluster${highlighted ? " fort-marker--highlighted" : ""}`,
        html: `<span aria-hidden="true">${cluster.count}</span>`,
        iconSize: [size, size],
      }),
    [cluster.count, highlighted, size],
  );
  return (
    <Marker
      position={[cluster.lat, cluster.lng]}
      icon={icon}
      title={`${cluster.count} services in this area. Zoom in to see them.`}
      alt={`${cluster.count} services`}
      keyboard
      zIndexOffset={highlighted ? 1000 : 0}
      eventHandlers={{
        click: expand,
        // Leaflet opens popups from the keyboard but does nothing for a plain marker: Enter or Space expands it too.
        keypress: (event: L.LeafletKeyboardEvent) => {
          if (event.originalEvent.key === "Enter" || event.originalEvent.key === " ") {
            event.originalEvent.preventDefault();
            expand();
          }
        },
      }}
    />
  );
}

function SpotMarker({ spot, highlighted }: { spot: MapSpot; highlighted: boolean }) {
  const icon = useMemo(
    () =>
      L.divIcon({
        className: `fort-marker${highlighted ? " fort-marker--highlighted" : ""}`,
        html: spot.count > 1 ? `<span aria-hidden="true">${spot.count}</span>` : "",
        iconSize: [24, 24],
        popupAnchor: [0, -12],
      }),
    [highlighted, spot.count],
  );
  const names = spot.services.map((s) => s.name).join(", ");
  // Leaflet stops clicks inside a popup from reaching the document, where React listens, so links in the card are
  // followed here, as in-app navigations (a plain page load would lose the map's state).
  const navigate = useNavigate();
  const card = useCallback(
    (node: HTMLDivElement | null) => {
      node?.addEventListener("click", (event) => {
        const link = (event.target as Element).closest("a");
        const href = link?.getAttribute("href");
        if (!href?.startsWith("/") || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(href);
      });
    },
    [navigate],
  );
  return (
    <Marker
      position={[spot.lat, spot.lng]}
      icon={icon}
      title={spot.count > 1 ? `${spot.count} services here: ${names}` : names}
      keyboard
      zIndexOffset={highlighted ? 1000 : 0}
    >
      <Popup>
        <div className="fort-map-card" ref={card}>
          {spot.services.map((service) => (
            <div key={service.id} className="fort-map-card__service" data-service-id={service.id}>
              <p className="fort-map-card__name">
                <a href={`/services/${service.id}`}>{service.name}</a>
              </p>
              <p className="fort-map-card__org">{service.organisation}</p>
              <p className="fort-map-card__capacity">{formatCapacity(service.capacity, null)}</p>
            </div>
          ))}
          {spot.count > spot.services.length && <p>and {spot.count - spot.services.length} more here: zoom in or use the list.</p>}
        </div>
      </Popup>
    </Marker>
  );
}
