// The gap map's shading as numbers: four bands of referral demand on rounded boundaries (d3-scale), shared by
// the map (browser) and its legend and text alternative (server-rendered), so the legend always matches.
import { scaleLinear, scaleQuantize } from "d3-scale";

export const GAP_SHADES = ["#deebf7", "#9ecae1", "#4292c6", "#08519c"] as const;
export const SUPPRESSED_SHADE = "#d9d9d9";

export interface GapBand {
  colour: string;
  from: number;
  to: number;
  label: string;
}

/** Four bands from the suppression threshold up to the highest ward's demand, on round numbers. */
export function gapBands(max: number, threshold: number): GapBand[] {
  const top = scaleLinear()
    .domain([0, Math.max(threshold + GAP_SHADES.length * 2, max)])
    .nice(4)
    .domain()[1]!;
  const quantize = scaleQuantize<string>()
    .domain([threshold, top])
    .range([...GAP_SHADES]);
  // Whole numbers, each band at least one referral wide.
  const cuts: number[] = [];
  for (const t of quantize.thresholds()) cuts.push(Math.max(Math.round(t), (cuts[cuts.length - 1] ?? threshold) + 1));
  const starts = [threshold, ...cuts];
  return GAP_SHADES.map((colour, i) => {
    const from = starts[i]!;
    const last = i === GAP_SHADES.length - 1;
    const to = last ? Math.max(top, from) : starts[i + 1]! - 1;
    return { colour, from, to, label: last ? `${from} or more` : from === to ? `${from}` : `${from} to ${to}` };
  });
}

/** The shade of a ward: grey when its count is suppressed, otherwise its band's colour. */
export function gapShade(n: number | null, bands: GapBand[]): string {
  if (n === null) return SUPPRESSED_SHADE;
  const band = bands.find((b, i) => n <= b.to || i === bands.length - 1);
  return band!.colour;
}
