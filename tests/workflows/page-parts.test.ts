import type { PolledEvent } from '../../activities/types';
import { formsAfterEachPart, pageParts } from '../../workflows/page-parts';

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

describe('formsAfterEachPart', () => {
  test("counts the forms of each part's later parts, a form with several events once", () => {
    const parts = pageParts(
      [event('a'), event('b'), event('a', 'BUYER_CANCELLED'), event('c'), event(undefined), event('d')],
      2,
    );
    expect(parts.map((p) => p.map((e) => e.checkoutFormId ?? '-'))).toEqual([['a', 'b', 'a'], ['c', '-'], ['d']]);
    expect(formsAfterEachPart(parts)).toEqual([2, 1, 0]);
  });
});
