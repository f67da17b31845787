import type { GapAnalysis, SuppressedCount } from "./gaps.server";
import type { ReportTable } from "./reports.server";

export function shown(n: SuppressedCount, threshold: number): string | number {
  return n === null ? `fewer than ${threshold}` : n;
}

/** The gap analysis as a table (page, screen readers and CSV): suppressed counts read "fewer than N". */
export function gapTable(g: GapAnalysis): ReportTable {
  return {
    title: "Demand and provision by ward",
    columns: [
      "Ward",
      "Referrals sent",
      "Unmet demand",
      "Declined for capacity",
      "No eligible service",
      "Services covering",
      "Accepting now",
      "Longest wait (weeks)",
    ],
    rows: g.rows.map((r) => [
      r.wardName,
      shown(r.demand, g.threshold),
      shown(r.unmet, g.threshold),
      shown(r.declinedForCapacity, g.threshold),
      shown(r.noEligibleService, g.threshold),
      r.servicesCovering,
      r.servicesAccepting,
      r.longestWaitWeeks ?? "",
    ]),
  };
}
