/** The demo's command line and screen, without Temporal: options, the progress line, the live and the plain output. */
import { DEMO_DEFAULTS, DemoUsageError, parseDemoArgs } from '../../starter/demo/options';
import { documentsTable, progressLine, Screen } from '../../starter/demo/screen';
import type { Snapshot } from '../../starter/demo/monitor';

class Capture {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 100,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const snapshot: Snapshot = { seen: 12, imported: 9, waiting: 2, attention: 1, failed: 0, lagSeconds: 4 };

describe('demo options', () => {
  test('defaults: Web UI on 8233, state in .data, 1.5 orders/s, runs until Ctrl-C', () => {
    expect(parseDemoArgs([])).toEqual({ ...DEMO_DEFAULTS, help: false });
  });

  test('every option is read', () => {
    expect(
      parseDemoArgs([
        '--settings',
        's.yaml',
        '--ui-port',
        '9000',
        '--data-dir',
        '/tmp/x',
        '--rate',
        '0',
        '--duration',
        '30',
      ]),
    ).toEqual({
      settingsFile: 's.yaml',
      uiPort: 9000,
      dataDir: '/tmp/x',
      rate: 0,
      durationSeconds: 30,
      backlog: DEMO_DEFAULTS.backlog,
      help: false,
    });
  });

  test.each([
    [['--rate', 'fast']],
    [['--rate', '-1']],
    [['--ui-port', '70000']],
    [['--duration', '0']],
    [['--data-dir', ' ']],
    [['--unknown']],
    [['positional']],
  ])('refuses %j with a usage error', (args) => {
    expect(() => parseDemoArgs(args)).toThrow(DemoUsageError);
  });
});

describe('demo screen', () => {
  test('the progress line carries every figure', () => {
    expect(progressLine(snapshot, { onAllegro: 20 })).toBe(
      'orders seen 12 · imported 9 · waiting 2 · needs attention 1 · failed 0 · lag 4 s · on Allegro 20',
    );
    expect(progressLine({ ...snapshot, lagSeconds: null })).toContain('lag 0 s (caught up)');
  });

  test('the documents table shows number, buyer and the gross total in its currency; long names are cut', () => {
    const table = documentsTable([
      {
        id: 2,
        number: 'RO/2/2026',
        buyer: 'Przedsiębiorstwo Handlowo-Usługowe „Żuraw” Spółka Jawna',
        gross: 12345,
        currency: 'PLN',
        orderId: 'b',
      },
      { id: 1, number: 'RO/1/2026', buyer: 'Jan Kowalski', gross: 5, currency: 'PLN', orderId: 'a' },
    ]);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Document\s+Buyer\s+Gross total\s+Allegro order$/);
    expect(lines[2]).toContain('RO/2/2026');
    expect(lines[2]).toContain('123.45 PLN');
    expect(lines[2]).toContain('…');
    expect(lines[3]).toContain('0.05 PLN');
    expect(documentsTable([])).toBe('No documents in Optima yet.\n');
  });

  test('plain output (a pipe or a log): no control codes, a progress line every 10 s, the table when it changed', () => {
    const out = new Capture(false);
    let now = 0;
    const screen = new Screen(out, () => now);
    screen.log('started');
    screen.setTable('T1\n');
    screen.setProgress('p1');
    now = 5_000;
    screen.setProgress('p2'); // too soon: not printed
    now = 11_000;
    screen.setProgress('p3');
    screen.setTable('T1\n'); // unchanged: not printed again
    screen.finish();
    expect(out.text).not.toContain('\x1b');
    expect(out.text).toBe('started\nLatest documents in Optima:\nT1\np1\np3\np3\n');
  });

  test('terminal output: the block is redrawn in place, messages go above it, finish leaves it standing', () => {
    const out = new Capture(true, 80);
    const screen = new Screen(out);
    screen.setTable('T1\n');
    screen.setProgress('p1');
    const firstDraw = out.text.length;
    screen.setProgress('p2');
    // Back to the block's first line (3 lines up from the progress line: title, table, blank), clear, redraw.
    expect(out.text.slice(firstDraw)).toBe('\r\x1b[3A\x1b[0JLatest documents in Optima:\nT1\n\np2');
    screen.log('a warning');
    expect(out.text.endsWith('a warning\nLatest documents in Optima:\nT1\n\np2')).toBe(true);
    screen.finish();
    screen.log('stopping');
    expect(out.text.endsWith('\np2\nstopping\n')).toBe(true);
  });
});
