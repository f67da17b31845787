// CSV for spreadsheets (RFC 4180): a UTF-8 byte-order mark so Excel reads accents and "–" correctly, and cells
// that a spreadsheet would run as a formula defused. Every CSV a person downloads from FORT goes through here.
/** Excel assumes a legacy code page for CSV unless the file starts with this. */
export const UTF8_BOM = "\uFEFF";

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  // A cell starting with = + - @ (or a tab or carriage return before one) would be a formula in a spreadsheet
  // (CSV injection). Numbers are left alone: -2 is a number, not a formula.
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: { columns: readonly string[]; rows: readonly (readonly (string | number | null)[])[] }): string {
  return UTF8_BOM + [table.columns, ...table.rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** A CSV download: private, never cached, with the file name given. */
export function csvResponse(filename: string, csv: string) {
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
