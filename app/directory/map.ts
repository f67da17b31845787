// What the map endpoint returns (shared by the server and the browser map).
import type { BoundingBox } from "./filters";
import type { Capacity } from "./taxonomy";

export interface MapCluster {
  lat: number;
  lng: number;
  count: number;
  bounds: BoundingBox;
}

export interface MapSpotService {
  id: string;
  name: string;
  organisation: string;
  capacity: Capacity;
}

export interface MapSpot {
  lat: number;
  lng: number;
  count: number;
  services: MapSpotService[];
}

export interface MapView {
  zoom: number;
  total: number;
  clusters: MapCluster[];
  points: MapSpot[];
}
