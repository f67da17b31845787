// The directory list's count and default order, answered from the in-memory map index (map-index.server.ts) so
// that a list page at 100,000 services neither counts nor sorts every row in the database. Only filters the index
// holds are answered here; search words (ranked by the database) and nearest-first fall back to SQL (null).
import type { BoundingBox, DirectoryFilters, Sort } from "./filters";
import { type Snapshot, directorySnapshot, filterTest } from "./map-index.server";

/** The services (by index) with a location in the area, or null for everywhere. */
function inArea(snapshot: Snapshot, bbox: BoundingBox | undefined): Uint8Array | null {
  if (!bbox) return null;
  const marks = new Uint8Array(snapshot.ids.length);
  for (const k of snapshot.tree.range(...bbox)) marks[snapshot.service[k]!] = 1;
  return marks;
}

/** Postgres' `current_date - interval '6 months'` as yyyymmdd (a shorter month keeps its last day). */
export function sixMonthsBefore(today: Date): number {
  let year = today.getUTCFullYear();
  let month = today.getUTCMonth() - 6;
  if (month < 0) {
    month += 12;
    year--;
  }
  const day = Math.min(today.getUTCDate(), new Date(Date.UTC(year, month + 1, 0)).getUTCDate());
  return year * 10000 + (month + 1) * 100 + day;
}

/**
 * How many published services match the filters (and, with an area, have a location in it): exact and from memory.
 * Null when the filters include search words, which only the database's search answers.
 */
export async function countServices(filters: DirectoryFilters, bbox?: BoundingBox): Promise<number | null> {
  if (filters.q) return null;
  const snapshot = await directorySnapshot();
  const accept = await filterTest(snapshot, filters);
  const area = inArea(snapshot, bbox);
  if (!accept && !area) return snapshot.ids.length;
  let count = 0;
  for (let i = 0; i < snapshot.ids.length; i++) if ((!area || area[i]) && (!accept || accept[i] === 1)) count++;
  return count;
}

export interface IndexedListPage {
  total: number;
  /** The ids on a page, in the list's order. */
  idsOnPage(page: number, pageSize: number): string[];
}

/**
 * The list by name (records unchecked for six months last), as search.server.ts orders it, from memory: the count
 * and the ids on any page. Null when the index cannot answer (search words, or another order).
 */
export async function indexedListPage(filters: DirectoryFilters, bbox: BoundingBox | undefined, sort: Sort): Promise<IndexedListPage | null> {
  if (filters.q || sort !== "name") return null;
  const snapshot = await directorySnapshot();
  const accept = await filterTest(snapshot, filters);
  const area = inArea(snapshot, bbox);
  const cutoff = sixMonthsBefore(new Date());
  const { lastChecked, ids } = snapshot;
  const matches = (i: number) => (!area || area[i] === 1) && (!accept || accept[i] === 1);
  // The snapshot holds services in the database's order of names: current records in that order, then stale ones.
  let current = 0;
  let stale = 0;
  for (let i = 0; i < ids.length; i++) {
    if (!matches(i)) continue;
    if (lastChecked[i]! < cutoff) stale++;
    else current++;
  }
  return {
    total: current + stale,
    idsOnPage: (page, pageSize) => {
      const page_: string[] = [];
      let skip = (page - 1) * pageSize;
      for (const wantStale of [false, true]) {
        for (let i = 0; i < ids.length && page_.length < pageSize; i++) {
          if (!matches(i) || lastChecked[i]! < cutoff !== wantStale) continue;
          if (skip > 0) skip--;
          else page_.push(ids[i]!);
        }
      }
      return page_;
    },
  };
}
