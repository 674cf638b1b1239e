import { ActivityFailure, RetryState } from '@temporalio/common';
import type { PolledEvent } from '../../activities/types';
import { batchPages, DISPATCH_BATCH_PAGES } from '../../workflows/poller-steps';
import { formsInOtherParts, pageParts } from '../../workflows/page-parts';

let nextId = 1;
const event = (form: string | undefined, type = 'READY_FOR_PROCESSING'): PolledEvent => ({
  id: String(nextId++),
  type,
  occurredAt: '2026-11-29T00:00:00Z',
  ...(form ? { checkoutFormId: form } : {}),
  lineItemIds: [],
});

describe('pageParts', () => {
  test('a long page splits into parts of about the given size, every event once, in journal order', () => {
    const events = Array.from({ length: 1000 }, (_, i) => event(`form-${i}`));
    const parts = pageParts(events, 250);
    expect(parts.map((p) => p.length)).toEqual([250, 250, 250, 250]);
    expect(pageParts(events).map((p) => p.length)).toEqual(Array.from({ length: 10 }, () => 100));
    expect(parts.flat()).toEqual(events);
  });

  test("a form's later events join the part where it first appears, even when that part is full", () => {
    const first = event('a', 'BOUGHT');
    const events = [first, event('b'), event('c'), event('d'), event('a', 'BUYER_CANCELLED')];
    const parts = pageParts(events, 2);
    expect(parts.map((p) => p.map((e) => e.checkoutFormId))).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd'],
    ]);
    expect(parts[0][2].type).toBe('BUYER_CANCELLED');
  });

  test('events without a form (set aside as malformed) keep their place; a short page is one part', () => {
    const events = [event('a'), event(undefined), event('b')];
    expect(pageParts(events, 250)).toEqual([events]);
    expect(pageParts([], 250)).toEqual([]);
  });
});

describe('formsInOtherParts', () => {
  test("counts the forms of each part's other parts, before and after it, a form with several events once", () => {
    const parts = pageParts(
      [event('a'), event('b'), event('a', 'BUYER_CANCELLED'), event('c'), event(undefined), event('d')],
      2,
    );
    expect(parts.map((p) => p.map((e) => e.checkoutFormId ?? '-'))).toEqual([['a', 'b', 'a'], ['c', '-'], ['d']]);
    expect(formsInOtherParts(parts)).toEqual([2, 3, 3]);
  });
});

describe('batchPages', () => {
  const page = (size: number) => Array.from({ length: size }, (_, i) => event(`form-${nextId}-${i}`));
  /** A reader whose pages come from `pages` in turn, recording where each read started. */
  function reader(pages: (PolledEvent[] | Error)[]) {
    const from: (string | null)[] = [];
    const read = (at: string | null) => {
      from.push(at);
      const next = pages.shift() ?? [];
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    };
    return { read, from };
  }
  const readFailure = () =>
    new ActivityFailure('read failed', 'readOrderEvents', 'a1', RetryState.MAXIMUM_ATTEMPTS_REACHED, 'worker-1');

  test(`full pages are taken together, up to ${DISPATCH_BATCH_PAGES}; the read after them is under way`, async () => {
    const pages = [page(10), page(10), page(10), page(10)];
    const { read, from } = reader(pages.slice(1));
    const batch = await batchPages(pages[0], true, read(pages[0][9].id), read, 10);
    expect(batch.events).toEqual(pages.slice(0, DISPATCH_BATCH_PAGES).flat());
    expect(batch.more).toBe(true);
    expect(await batch.next).toEqual(pages[DISPATCH_BATCH_PAGES]);
    expect(from).toEqual(pages.slice(0, DISPATCH_BATCH_PAGES).map((p) => p[9].id));
  });

  test('a short page ends the batch with nothing more to read; a single short page is left as it is', async () => {
    const [first, short] = [page(10), page(4)];
    const { read } = reader([short]);
    const batch = await batchPages(first, true, read(first[9].id), read, 10);
    expect(batch).toEqual({ events: [...first, ...short], more: false, next: undefined });
    const alone = page(3);
    expect(await batchPages(alone, false, undefined, read, 10)).toEqual({
      events: alone,
      more: false,
      next: undefined,
    });
  });

  test('a page that cannot be read leaves the pages already read to go out without it; other errors are thrown', async () => {
    const [first, second] = [page(10), page(10)];
    const { read } = reader([second, readFailure()]);
    const batch = await batchPages(first, true, read(first[9].id), read, 10);
    expect(batch).toEqual({ events: [...first, ...second], more: true, next: undefined });
    await expect(batchPages(first, true, Promise.reject(new Error('cancelled')), read, 10)).rejects.toThrow(
      'cancelled',
    );
  });
});
