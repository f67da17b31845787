// Filters, as a test on a service index of the map's copy of the directory (map-snapshot.server.ts). The same rules
// as serviceConditions in search.server.ts.
import { sql } from "drizzle-orm";
import { databaseHandle } from "../db.server";
import { findArea } from "../geo/areas.server";
import type { DirectoryFilters } from "./filters";
import { type Accept, CAPACITIES, NO_AGE, PROFESSIONAL, SELF, type Snapshot, rows } from "./map-snapshot.server";
import { serviceConditions, understandFilters } from "./search.server";
import { CATEGORY_CODES, SHANARRI_CODES } from "./taxonomy";

const bit = <T extends string>(codes: readonly T[]) => new Map(codes.map((code, i) => [code, 1 << i]));
const NEED_BITS = bit(SHANARRI_CODES);
const CATEGORY_BITS = bit(CATEGORY_CODES);
const mask = (bits: Map<string, number>, codes: string[] | null) => (codes ?? []).reduce((m, c) => m | (bits.get(c) ?? 0), 0);

async function wordMatches(snapshot: Snapshot, q: string): Promise<Uint8Array> {
  const key = q.toLowerCase();
  let found = snapshot.wordMatches.get(key);
  if (!found) {
    found = (async () => {
      // The words as the directory's search understands them (corrections, synonyms), so the map shows what the list lists.
      const understood = await understandFilters({ need: [], accepting: false, q });
      const handle = await databaseHandle();
      const list = await rows<{ id: string }>(handle, sql`select s.id from services s where ${sql.join(serviceConditions(understood), sql` and `)}`);
      const index = new Map(snapshot.ids.map((id, i) => [id, i]));
      const matches = new Uint8Array(snapshot.ids.length);
      for (const r of list) {
        const i = index.get(r.id);
        if (i !== undefined) matches[i] = 1;
      }
      return matches;
    })();
    found.catch(() => snapshot.wordMatches.delete(key));
    snapshot.wordMatches.set(key, found);
    while (snapshot.wordMatches.size > 200) snapshot.wordMatches.delete(snapshot.wordMatches.keys().next().value!);
  }
  return found;
}

/**
 * Which services pass the filters, as one byte per service (null when nothing is filtered out). Each filter is one
 * tight pass over a typed array, about a millisecond in all at 100,000 services; masks are kept per copy for the
 * most recent 100 filter combinations.
 */
export async function filterTest(snapshot: Snapshot, filters: DirectoryFilters): Promise<Accept> {
  const { near: _near, ...relevant } = filters;
  const key = JSON.stringify(relevant);
  const kept = snapshot.masks.get(key);
  if (kept) return kept;
  const m = snapshot.ids.length;
  let pass: Uint8Array | null = null;
  const narrow = (keep: (i: number) => boolean) => {
    if (!pass) pass = new Uint8Array(m).fill(1);
    for (let i = 0; i < m; i++) if (pass[i] && !keep(i)) pass[i] = 0;
  };
  if (filters.q) {
    const words = await wordMatches(snapshot, filters.q);
    pass = Uint8Array.from(words);
  }
  const { needs, categories, minAge, maxAge, referral, capacity } = snapshot;
  if (filters.need.length > 0) {
    const wanted = mask(NEED_BITS, filters.need);
    narrow((i) => (needs[i]! & wanted) !== 0);
  }
  if (filters.category) {
    const wanted = mask(CATEGORY_BITS, [filters.category]);
    narrow((i) => (categories[i]! & wanted) !== 0);
  }
  if (filters.age !== undefined) {
    const age = filters.age;
    narrow((i) => (minAge[i] === NO_AGE || minAge[i]! <= age) && (maxAge[i] === NO_AGE || maxAge[i]! >= age));
  }
  if (filters.area) {
    const area = findArea(filters.area);
    const codes = area ? [area.code, area.councilCode] : [filters.area];
    const inArea = new Uint8Array(m);
    for (const code of codes) for (const i of snapshot.areas.get(code) ?? []) inArea[i] = 1;
    narrow((i) => inArea[i] === 1);
  }
  if (filters.referral === "self") narrow((i) => (referral[i]! & SELF) !== 0);
  if (filters.referral === "professional") narrow((i) => (referral[i]! & PROFESSIONAL) !== 0);
  if (filters.accepting) {
    const notAccepting = CAPACITIES.indexOf("not_accepting");
    narrow((i) => capacity[i] !== notAccepting);
  }
  snapshot.masks.set(key, pass);
  while (snapshot.masks.size > 100) snapshot.masks.delete(snapshot.masks.keys().next().value!);
  return pass;
}
