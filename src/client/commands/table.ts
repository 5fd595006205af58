/** A plain text table for the terminal (columns padded to their widest cell). */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.min(80, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').slice(0, 80).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}
