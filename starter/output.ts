/** Text output helpers shared by the commands: aligned tables and check marks. */

/** Aligns columns; the last column is not padded (it may be long: a reason, a fix). */
export function renderTable(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, col) => Math.max(...all.map((row) => [...(row[col] ?? '')].length)));
  const line = (row: string[]): string =>
    row
      .map((cell, col) => (col === row.length - 1 ? cell : cell + ' '.repeat(widths[col] - [...cell].length)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export const MARK = { ok: '✓', bad: '✗', skip: '–' } as const;

/** "3 minutes ago" / "in 20 s" next to an ISO time, for people reading status. */
export function relativeTime(iso: string | null | undefined, now: Date): string {
  if (!iso) return '—';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const seconds = Math.round((time - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 2) return `${iso} (just now)`;
  const amount =
    abs < 90
      ? `${abs} s`
      : abs < 90 * 60
        ? `${Math.round(abs / 60)} min`
        : abs < 36 * 3600
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86400)} days`;
  return `${iso} (${seconds >= 0 ? `in ${amount}` : `${amount} ago`})`;
}
