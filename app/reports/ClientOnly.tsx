import { useEffect, useState, type ReactNode } from "react";

/** Renders `children` only after hydration (browser-only code such as Leaflet); `fallback` until then and without JS. */
export function ClientOnly({ children, fallback = null }: { children: () => ReactNode; fallback?: ReactNode }) {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return <>{hydrated ? children() : fallback}</>;
}
