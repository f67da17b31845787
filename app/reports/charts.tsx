// Server-rendered SVG charts: no chart library, no JavaScript, readable at a glance. Each chart is decorative
// for assistive technology (aria-hidden): the table printed beside it carries the same figures.
// See docs/decisions/0007-reports-charts-as-server-svg.md.
import type { ReactNode } from "react";
import type { ReportTable } from "./reports.server";

const BLUE = "#0065bd";
const GREY = "#5e5e5e";

export function BarChart({ data, max }: { data: { label: string; value: number }[]; max?: number }) {
  const top = Math.max(1, max ?? Math.max(0, ...data.map((d) => d.value)));
  const row = 26;
  const labelWidth = 220;
  const barWidth = 300;
  const height = Math.max(row, data.length * row);
  return (
    <svg className="fort-chart" viewBox={`0 0 ${labelWidth + barWidth + 60} ${height}`} width="100%" role="presentation" aria-hidden="true" focusable="false">
      {data.map((d, i) => {
        const w = Math.round((d.value / top) * barWidth);
        const y = i * row;
        return (
          <g key={d.label}>
            <text x={labelWidth - 8} y={y + 17} textAnchor="end" fontSize="13" fill="#333">
              {d.label.length > 32 ? `${d.label.slice(0, 31)}…` : d.label}
            </text>
            <rect x={labelWidth} y={y + 4} width={Math.max(w, d.value > 0 ? 2 : 0)} height={row - 8} fill={BLUE} />
            <text x={labelWidth + w + 6} y={y + 17} fontSize="13" fill="#333">
              {d.value}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Columns per month; one series (all referrals) with the value on each column. */
export function MonthColumns({ data, max, small = false }: { data: { month: string; value: number }[]; max?: number; small?: boolean }) {
  const top = Math.max(1, max ?? Math.max(0, ...data.map((d) => d.value)));
  const col = small ? 10 : 40;
  const chartHeight = small ? 50 : 160;
  const axis = small ? 4 : 34;
  const width = data.length * col + 2;
  return (
    <svg className="fort-chart" viewBox={`0 0 ${width} ${chartHeight + axis}`} width={small ? width * 1.6 : "100%"} role="presentation" aria-hidden="true" focusable="false">
      <line x1="0" y1={chartHeight} x2={width} y2={chartHeight} stroke={GREY} />
      {data.map((d, i) => {
        const h = Math.round((d.value / top) * (chartHeight - (small ? 2 : 16)));
        const x = i * col + 1;
        return (
          <g key={d.month}>
            <rect x={x + 2} y={chartHeight - h} width={col - 4} height={h} fill={BLUE} />
            {!small && (
              <>
                <text x={x + col / 2} y={chartHeight - h - 4} textAnchor="middle" fontSize="11" fill="#333">
                  {d.value}
                </text>
                <text x={x + col / 2} y={chartHeight + 14} textAnchor="middle" fontSize="10" fill="#333">
                  {d.month.slice(5)}
                </text>
                {(i === 0 || d.month.endsWith("-01")) && (
                  <text x={x + col / 2} y={chartHeight + 28} textAnchor="middle" fontSize="10" fill="#333">
                    {d.month.slice(0, 4)}
                  </text>
                )}
              </>
            )}
          </g>
        );
      })}
    </svg>
  );
}

export function DataTable({ table, id }: { table: ReportTable; id: string }) {
  return (
    <div className="fort-table-wrap">
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
export function ReportSection({ name, table, csvHref, chart, intro }: { name: string; table: ReportTable; csvHref: string; chart?: ReactNode; intro?: ReactNode }) {
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
