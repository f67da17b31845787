import { type ReactNode, useEffect, useState } from "react";

let hydrated = false;

/** False during server rendering and the first (hydrating) render in the browser, true afterwards. */
export function useHydrated(): boolean {
  const [isHydrated, setHydrated] = useState(hydrated);
  useEffect(() => {
    hydrated = true;
    setHydrated(true);
  }, []);
  return isHydrated;
}

/** Renders browser-only children (Leaflet) after hydration; the fallback on the server and before. */
export function ClientOnly({ children, fallback = null }: { children: () => ReactNode; fallback?: ReactNode }) {
  return useHydrated() ? <>{children()}</> : <>{fallback}</>;
}
