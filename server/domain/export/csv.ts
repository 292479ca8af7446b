// CSV for the export: RFC 4180 quoting, plus a guard against spreadsheet formula injection —
// a cell that starts with = + - @ (or a tab/CR) is prefixed with ' so that opening the file in a
// spreadsheet shows text instead of running it (OWASP "CSV injection").

/** One cell: objects and arrays as JSON, null as empty, dates as ISO-8601. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s: string;
  if (value instanceof Date) s = value.toISOString();
  else if (typeof value === 'object') s = JSON.stringify(value);
  else s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && typeof value === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (CRLF-terminated, as RFC 4180 says) with `columns` in order. */
export function csvLine(columns: readonly string[], row: Record<string, unknown>): string {
  return columns.map((c) => csvCell(row[c])).join(',') + '\r\n';
}

export function csvHeader(columns: readonly string[]): string {
  return columns.map((c) => csvCell(c)).join(',') + '\r\n';
}
