// CSV for spreadsheets (RFC 4180), with cells that a spreadsheet would run as a formula defused.
import type { ReportTable } from "./reports.server";

function cell(value: string | number): string {
  let text = String(value);
  // A service name starting with = + - @ would be a formula in Excel (CSV injection).
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: Pick<ReportTable, "columns" | "rows">): string {
  return [table.columns, ...table.rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}
