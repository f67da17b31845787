// The shortlist: service ids kept in this browser only (localStorage), no account needed.
import { useCallback, useSyncExternalStore } from "react";

const KEY = "fort:shortlist";
export const SHORTLIST_LIMIT = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const listeners = new Set<() => void>();
const EMPTY: string[] = [];
let cache: { raw: string | null; ids: string[] } = { raw: null, ids: EMPTY };

export function parseShortlistIds(raw: string | null | undefined): string[] {
  if (!raw) return [];
  const ids = raw
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => UUID.test(s));
  return [...new Set(ids)].slice(0, SHORTLIST_LIMIT);
}

function read(): string[] {
  let raw: string | null = null;
  try {
    raw = window.localStorage.getItem(KEY);
  } catch {
    // Storage blocked (private mode, settings): the shortlist simply starts empty.
  }
  if (raw !== cache.raw) cache = { raw, ids: parseShortlistIds(raw) };
  return cache.ids;
}

function write(ids: string[]) {
  try {
    window.localStorage.setItem(KEY, ids.join(","));
  } catch {
    // Nothing more we can do without storage; the page still works.
  }
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => event.key === KEY && listener();
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export function useShortlist() {
  const ids = useSyncExternalStore(subscribe, read, () => EMPTY);
  const toggle = useCallback((id: string) => {
    const current = read();
    write(current.includes(id) ? current.filter((x) => x !== id) : [...current, id].slice(0, SHORTLIST_LIMIT));
  }, []);
  const remove = useCallback((id: string) => write(read().filter((x) => x !== id)), []);
  const replace = useCallback((next: string[]) => write(next.slice(0, SHORTLIST_LIMIT)), []);
  return { ids, toggle, remove, replace };
}

export function shortlistHref(ids: readonly string[]): string {
  return ids.length ? `/shortlist?ids=${ids.join(",")}` : "/shortlist";
}
