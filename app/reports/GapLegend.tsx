// The gap map's legend (numbers for each shade) and its text alternative, both server-rendered so they are
// there without JavaScript and for people who cannot see the map.
import { SUPPRESSED_SHADE, gapBands } from "./gap-shades";
import type { GapRow } from "./gaps.server";

export function GapLegend({ rows, threshold }: { rows: GapRow[]; threshold: number }) {
  const bands = gapBands(Math.max(0, ...rows.map((r) => r.demand ?? 0)), threshold);
  return (
    <figure className="fort-gap-legend" aria-labelledby="gap-legend-title">
      <figcaption id="gap-legend-title">
        <strong>Key: referrals from each ward in the period</strong>
      </figcaption>
      <ul className="fort-legend">
        {bands.map((b) => (
          <li key={b.colour}>
            <svg width="22" height="16" aria-hidden="true" focusable="false">
              <rect width="22" height="16" fill={b.colour} stroke="#333" />
            </svg>{" "}
            {b.label} referrals
          </li>
        ))}
        <li>
          <svg width="22" height="16" aria-hidden="true" focusable="false">
            <rect width="22" height="16" fill={SUPPRESSED_SHADE} stroke="#333" />
          </svg>{" "}
          Fewer than {threshold} (not shown, to protect families)
        </li>
        <li>
          <svg width="22" height="16" aria-hidden="true" focusable="false">
            <rect x="2" y="2" width="18" height="12" fill="#fff" stroke="#d32205" strokeWidth="4" />
          </svg>{" "}
          Thick red border: unmet demand ({threshold} or more referrals declined for lack of capacity or with no service that fitted)
        </li>
      </ul>
    </figure>
  );
}

/** What the map shows, in words: the busiest wards and where demand went unmet. */
export function GapSummary({ rows, threshold, needName }: { rows: GapRow[]; threshold: number; needName: string | null }) {
  const shown = rows.filter((r) => r.demand !== null).sort((a, b) => (b.demand ?? 0) - (a.demand ?? 0));
  const unmet = rows.filter((r) => r.unmet !== null).sort((a, b) => (b.unmet ?? 0) - (a.unmet ?? 0));
  const hidden = rows.length - shown.length;
  return (
    <section aria-labelledby="gap-summary-heading" className="fort-gap-summary">
      <h2 id="gap-summary-heading">What the map shows</h2>
      {shown.length === 0 ? (
        <p>
          No ward sent {threshold} or more {needName ? `‘${needName}’ ` : ""}referrals in the period, so no ward is shaded.
        </p>
      ) : (
        <>
          <p>
            Most {needName ? `‘${needName}’ ` : ""}referrals came from{" "}
            {shown
              .slice(0, 3)
              .map((r) => `${r.wardName} (${r.demand})`)
              .join(", ")}
            {hidden > 0 ? `; ${hidden} ward${hidden === 1 ? "" : "s"} sent fewer than ${threshold}` : ""}.
          </p>
          <p>
            {unmet.length === 0
              ? `No ward had ${threshold} or more referrals that went unmet.`
              : `Unmet demand: ${unmet.map((r) => `${r.wardName} (${r.unmet} unmet, ${r.servicesAccepting} of ${r.servicesCovering} covering services accepting)`).join("; ")}.`}
          </p>
        </>
      )}
    </section>
  );
}
