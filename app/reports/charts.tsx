// Server-rendered SVG charts: no JavaScript, readable at a glance. Each has a title, a short "what this shows", an
// axis with a scale and the value on every bar; the table printed beside it carries the same figures for anyone
// who cannot see the chart. Scales come from d3-scale (nice round ticks) rather than hand-computed geometry.
// See docs/decisions/0012-reports-in-sql-with-server-svg-charts.md.
import { scaleBand, scaleLinear } from "d3-scale";
import { type ReactNode, useId } from "react";
import type { ReportTable } from "./reports.server";

const BLUE = "#0065bd";
const INK = "#333333";
const GRID = "#d9d9d9";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Whole-number ticks for counts: never 0.5 of a referral. */
export function countTicks(max: number, wanted = 5): number[] {
  const scale = scaleLinear()
    .domain([0, Math.max(1, max)])
    .nice(wanted);
  return scale.ticks(wanted).filter((t) => Number.isInteger(t));
}

function ChartFrame({
  title,
  description,
  width,
  height,
  children,
}: {
  title: string;
  description: string;
  width: number;
  height: number;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <figure className="fort-chart-figure">
      <figcaption>
        <strong className="fort-chart__title" id={`${id}-title`}>
          {title}
        </strong>
        <span className="fort-chart__description ds_hint-text" id={`${id}-desc`}>
          {description}
        </span>
      </figcaption>
      <svg className="fort-chart" viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false">
        {children}
      </svg>
    </figure>
  );
}

export interface BarChartProps {
  data: { label: string; value: number }[];
  title: string;
  /** One sentence: what the bars count, over what. */
  description: string;
  /** What the horizontal axis counts, e.g. "Referrals". */
  axisLabel?: string;
  max?: number;
}

/** Horizontal bars with a labelled count axis, gridlines and each bar's value. */
export function BarChart({ data, title, description, axisLabel = "Referrals", max }: BarChartProps) {
  const labelWidth = 230;
  const plotWidth = 320;
  const right = 50;
  const top = 8;
  const rowHeight = 26;
  const axisHeight = 40;
  const plotHeight = Math.max(1, data.length) * rowHeight;
  const x = scaleLinear()
    .domain([0, Math.max(1, max ?? Math.max(0, ...data.map((d) => d.value)))])
    .nice(5)
    .range([0, plotWidth]);
  const y = scaleBand<string>()
    .domain(data.map((d, i) => `${i}`))
    .range([0, plotHeight])
    .paddingInner(0.25)
    .paddingOuter(0.1);
  const ticks = countTicks(x.domain()[1]!);
  const width = labelWidth + plotWidth + right;
  const height = top + plotHeight + axisHeight;
  return (
    <ChartFrame title={title} description={description} width={width} height={height}>
      <g transform={`translate(${labelWidth},${top})`}>
        {ticks.map((t) => (
          <g key={t} transform={`translate(${x(t)},0)`}>
            <line y1={0} y2={plotHeight} stroke={GRID} />
            <line y1={plotHeight} y2={plotHeight + 5} stroke={INK} />
            <text y={plotHeight + 18} textAnchor="middle" fontSize="12" fill={INK}>
              {t}
            </text>
          </g>
        ))}
        <line x1={0} x2={plotWidth} y1={plotHeight} y2={plotHeight} stroke={INK} />
        <line x1={0} x2={0} y1={0} y2={plotHeight} stroke={INK} />
        <text x={plotWidth / 2} y={plotHeight + 35} textAnchor="middle" fontSize="12" fill={INK}>
          {axisLabel}
        </text>
        {data.map((d, i) => {
          const band = y(`${i}`) ?? 0;
          const w = x(d.value);
          return (
            <g key={`${d.label}-${i}`} className="fort-chart__bar">
              <text x={-8} y={band + y.bandwidth() / 2 + 4} textAnchor="end" fontSize="13" fill={INK}>
                {d.label.length > 32 ? `${d.label.slice(0, 31)}…` : d.label}
              </text>
              <rect x={0} y={band} width={Math.max(w, d.value > 0 ? 2 : 0)} height={y.bandwidth()} fill={BLUE} />
              <text x={w + 6} y={band + y.bandwidth() / 2 + 4} fontSize="13" fill={INK} className="fort-chart__value">
                {d.value}
              </text>
            </g>
          );
        })}
      </g>
    </ChartFrame>
  );
}

function monthLabel(month: string) {
  return MONTHS[Number(month.slice(5, 7)) - 1] ?? month.slice(5, 7);
}

export interface MonthColumnsProps {
  data: { month: string; value: number }[];
  title?: string;
  description?: string;
  axisLabel?: string;
  max?: number;
  /** A sparkline for small multiples: no axes or labels (the figures are in the table that follows). */
  small?: boolean;
}

/** Columns per month with a count axis, month and year labels, and the value on each column. */
export function MonthColumns({ data, title = "", description = "", axisLabel = "Referrals", max, small = false }: MonthColumnsProps) {
  const top = Math.max(1, max ?? Math.max(0, ...data.map((d) => d.value)));
  if (small) {
    const col = 10;
    const h = 50;
    const y = scaleLinear().domain([0, top]).range([h, 2]);
    const width = data.length * col + 2;
    return (
      <svg className="fort-chart" viewBox={`0 0 ${width} ${h + 4}`} width={width * 1.6} aria-hidden="true" focusable="false">
        <line x1="0" y1={h} x2={width} y2={h} stroke={INK} />
        {data.map((d, i) => (
          <rect key={d.month} x={i * col + 3} y={y(d.value)} width={col - 4} height={h - y(d.value)} fill={BLUE} />
        ))}
      </svg>
    );
  }
  const left = 48;
  const right = 10;
  const topPad = 18;
  const plotHeight = 170;
  const axisHeight = 40;
  const plotWidth = Math.max(240, data.length * 44);
  const x = scaleBand<string>()
    .domain(data.map((d) => d.month))
    .range([0, plotWidth])
    .paddingInner(0.2)
    .paddingOuter(0.1);
  const y = scaleLinear().domain([0, top]).nice(5).range([plotHeight, 0]);
  const ticks = countTicks(y.domain()[1]!);
  return (
    <ChartFrame title={title} description={description} width={left + plotWidth + right} height={topPad + plotHeight + axisHeight}>
      <g transform={`translate(${left},${topPad})`}>
        {ticks.map((t) => (
          <g key={t} transform={`translate(0,${y(t)})`}>
            <line x1={0} x2={plotWidth} stroke={GRID} />
            <line x1={-5} x2={0} stroke={INK} />
            <text x={-8} y={4} textAnchor="end" fontSize="12" fill={INK}>
              {t}
            </text>
          </g>
        ))}
        <text transform={`translate(${-38},${plotHeight / 2}) rotate(-90)`} textAnchor="middle" fontSize="12" fill={INK}>
          {axisLabel}
        </text>
        <line x1={0} x2={0} y1={0} y2={plotHeight} stroke={INK} />
        <line x1={0} x2={plotWidth} y1={plotHeight} y2={plotHeight} stroke={INK} />
        {data.map((d, i) => {
          const bx = x(d.month) ?? 0;
          const by = y(d.value);
          const mid = bx + x.bandwidth() / 2;
          return (
            <g key={d.month} className="fort-chart__bar">
              <rect x={bx} y={by} width={x.bandwidth()} height={plotHeight - by} fill={BLUE} />
              <text x={mid} y={by - 4} textAnchor="middle" fontSize="11" fill={INK} className="fort-chart__value">
                {d.value}
              </text>
              <text x={mid} y={plotHeight + 15} textAnchor="middle" fontSize="11" fill={INK}>
                {monthLabel(d.month)}
              </text>
              {(i === 0 || d.month.slice(5, 7) === "01") && (
                <text x={mid} y={plotHeight + 30} textAnchor="middle" fontSize="11" fill={INK}>
                  {d.month.slice(0, 4)}
                </text>
              )}
            </g>
          );
        })}
      </g>
    </ChartFrame>
  );
}

export function DataTable({ table, id }: { table: ReportTable; id: string }) {
  return (
    // A wide table scrolls in its own box on a narrow column; keyboard users reach it to scroll it (WCAG 2.1.1).
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <div className="fort-table-wrap" role="region" aria-label={table.title} tabIndex={0}>
      <table className="ds_table ds_table--small" id={id}>
        <caption className="visually-hidden">{table.title}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.length === 0 ? (
            <tr>
              <td colSpan={table.columns.length}>No referrals match these filters.</td>
            </tr>
          ) : (
            table.rows.map((row, i) => (
              <tr key={i}>
                {row.map((v, j) =>
                  j === 0 ? (
                    <th key={j} scope="row">
                      {v}
                    </th>
                  ) : (
                    <td key={j}>{v}</td>
                  ),
                )}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A heading, the chart, the table beside it and a link to the table as CSV. */
export function ReportSection({
  name,
  table,
  csvHref,
  chart,
  intro,
}: {
  name: string;
  table: ReportTable;
  csvHref: string;
  chart?: ReactNode;
  intro?: ReactNode;
}) {
  return (
    <section className="fort-report" aria-labelledby={`${name}-heading`}>
      <h2 id={`${name}-heading`}>{table.title}</h2>
      {intro}
      <div className="fort-report__body">
        {chart && <div className="fort-report__chart">{chart}</div>}
        <div className="fort-report__table">
          <DataTable table={table} id={`${name}-table`} />
          <p>
            <a href={csvHref} download>
              Download “{table.title}” as CSV
            </a>
          </p>
        </div>
      </div>
    </section>
  );
}
