/** Reads README.md the way the documentation tests need: sections by heading, tables as rows. */
import fs from 'node:fs';
import path from 'node:path';

export const README_FILE = path.resolve(__dirname, '../../README.md');

export function readme(): string {
  return fs.readFileSync(README_FILE, 'utf8');
}

/** The text under the `## ` heading starting with `title`, up to the next `## ` heading. */
export function section(text: string, title: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`## ${title}`));
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The cells of every Markdown table row in `text` (header and separator rows excluded). */
export function tableRows(text: string): string[][] {
  const rows: string[][] = [];
  let inTable = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('|')) {
      inTable = false;
      continue;
    }
    // Pipes inside code spans are written `\|`.
    const cells = trimmed
      .slice(1, trimmed.endsWith('|') ? -1 : undefined)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replace(/\\\|/g, '|'));
    if (!inTable) {
      inTable = true; // the header row
      continue;
    }
    if (cells.every((cell) => /^:?-+:?$/.test(cell))) continue;
    rows.push(cells);
  }
  return rows;
}

/** `code` spans of a cell, without the backticks. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}
