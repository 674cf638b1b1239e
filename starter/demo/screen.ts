/**
 * What the demo shows while it runs: a progress line and a table of the latest documents.
 * On a terminal both are redrawn in place (the progress line is the last line, updated
 * every refresh); elsewhere (a pipe, a log file, CI) plain lines are printed now and then, with
 * no control codes.
 */
import { formatMinor } from '../../domain/money';
import { renderTable } from '../output';
import type { DocumentRow } from './documents';
import type { Snapshot } from './monitor';

export interface ScreenOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function progressLine(s: Snapshot, extra: { onAllegro?: number } = {}): string {
  const parts = [
    `orders seen ${s.seen}`,
    `imported ${s.imported}`,
    `waiting ${s.waiting}`,
    `needs attention ${s.attention}`,
    `failed ${s.failed}`,
    `lag ${s.lagSeconds === null ? '0 s (caught up)' : `${s.lagSeconds} s`}`,
  ];
  if (extra.onAllegro !== undefined) parts.push(`on Allegro ${extra.onAllegro}`);
  return parts.join(' · ');
}

const NAME_WIDTH = 34;

function shorten(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

export function documentsTable(rows: DocumentRow[]): string {
  if (rows.length === 0) return 'No documents in Optima yet.\n';
  return renderTable(
    ['Document', 'Buyer', 'Gross total', 'Allegro order'],
    rows.map((r) => [
      r.number,
      shorten(r.buyer, NAME_WIDTH),
      `${formatMinor(r.gross).padStart(10)} ${r.currency}`,
      r.orderId,
    ]),
  );
}

/** Plain output: a progress line this often, the table when it changed and at most this often. */
const PLAIN_PROGRESS_MS = 10_000;
const PLAIN_TABLE_MS = 30_000;

export class Screen {
  private block: string[] = [];
  private table = '';
  private progress = '';
  private lastPlainProgress = -Infinity;
  private lastPlainTable = -Infinity;
  private printedTable = '';
  /** After finish(): plain lines only, the live block stays as it was. */
  private finished = false;

  constructor(
    private readonly out: ScreenOutput,
    private readonly now: () => number = Date.now,
  ) {}

  get live(): boolean {
    return this.out.isTTY === true && !this.finished;
  }

  /** A message kept on screen (above the live block). */
  log(line: string): void {
    if (!this.live) {
      this.out.write(`${line}\n`);
      return;
    }
    this.clearBlock();
    this.out.write(`${line}\n`);
    this.drawBlock();
  }

  setTable(text: string): void {
    this.table = text;
    if (this.live) this.redraw();
    else if (text !== this.printedTable && this.now() - this.lastPlainTable >= PLAIN_TABLE_MS) this.printTable();
  }

  setProgress(line: string): void {
    this.progress = line;
    if (this.live) this.redraw();
    else if (this.now() - this.lastPlainProgress >= PLAIN_PROGRESS_MS) {
      this.lastPlainProgress = this.now();
      this.out.write(`${line}\n`);
    }
  }

  /** Leaves the last table and progress line on screen (plain: prints them once more). */
  finish(): void {
    if (this.live) {
      // The cursor is at the end of the progress line: what comes next starts below it.
      if (this.block.length > 0) this.out.write('\n');
      this.block = [];
      this.finished = true;
      return;
    }
    this.finished = true;
    if (this.table && this.table !== this.printedTable) this.printTable();
    if (this.progress) this.out.write(`${this.progress}\n`);
  }

  private printTable(): void {
    this.lastPlainTable = this.now();
    this.printedTable = this.table;
    this.out.write(`Latest documents in Optima:\n${this.table}`);
  }

  private redraw(): void {
    this.clearBlock();
    this.drawBlock();
  }

  private clearBlock(): void {
    // Back to the block's first line and clear to the end of the screen.
    if (this.block.length === 0) return;
    const up = this.block.length - 1;
    this.out.write(`\r${up > 0 ? `\x1b[${up}A` : ''}\x1b[0J`);
  }

  private drawBlock(): void {
    // 0 columns: a terminal that does not say its width.
    const width = Math.max((this.out.columns || 100) - 1, 20);
    const lines = [
      ...(this.table ? ['Latest documents in Optima:', ...this.table.replace(/\n$/, '').split('\n')] : []),
      '',
      this.progress,
    ].map((line) => shorten(line, width));
    this.block = lines;
    // The cursor stays at the end of the progress line: no newline after it.
    this.out.write(lines.join('\n'));
  }
}
