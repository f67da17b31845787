// The directory held in memory for the map (see docs/decisions/0018-map-index-in-memory.md). The front door, by
// concept: loading the copy and keeping it fresh through LISTEN (map-snapshot), filters as masks over its services
// (map-filter), and the map's answers: cells, clusters and result bounds (map-view).
export {
  type Accept,
  DIRECTORY_CHANNEL,
  type Snapshot,
  directoryGeneration,
  directorySnapshot,
  markDirectoryChanged,
  mercatorX,
  mercatorY,
} from "./map-snapshot.server";
export { filterTest } from "./map-filter.server";
export { indexedMapView, indexedResultBounds } from "./map-view.server";
