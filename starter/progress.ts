/**
 * Progress for long commands (import-offers): a bar redrawn in place on a terminal, plain
 * lines otherwise, so logs and pipes get one readable line per step and no control codes.
 */
import type { Output } from './context';

export interface Progress {
  /** One step done; `note` says what (shown as a line when not on a terminal). */
  tick(note: string): void;
  /** Something worth keeping on screen (a warning): printed above the bar. */
  log(line: string): void;
  done(summary: string): void;
}

const BAR_WIDTH = 24;

export function createProgress(out: Output, total: number, label: string): Progress {
  let count = 0;
  if (!out.isTTY) {
    const width = String(total).length;
    return {
      tick(note) {
        count += 1;
        out.write(`${label} ${String(count).padStart(width)}/${total}  ${note}\n`);
      },
      log(line) {
        out.write(`${line}\n`);
      },
      done(summary) {
        out.write(`${summary}\n`);
      },
    };
  }

  const columns = out.columns ?? 80;
  const draw = (note: string): void => {
    const filled = total === 0 ? BAR_WIDTH : Math.round((count / total) * BAR_WIDTH);
    const bar = `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
    const line = `${label} ${bar} ${count}/${total} ${note}`;
    // \x1b[K clears what a longer previous line left behind.
    out.write(`\r${line.slice(0, Math.max(columns - 1, 10))}\x1b[K`);
  };
  draw('');
  return {
    tick(note) {
      count += 1;
      draw(note);
    },
    log(line) {
      out.write(`\r\x1b[K${line}\n`);
      draw('');
    },
    done(summary) {
      out.write(`\r\x1b[K${summary}\n`);
    },
  };
}
