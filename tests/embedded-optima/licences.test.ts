import { openEmbeddedOptima } from '../../dev/embedded-optima';
import { createLicenceSimulator } from '../../dev/embedded-optima/licences';

describe('licence simulator', () => {
  test('unlimited by default: every acquire succeeds', () => {
    const l = createLicenceSimulator();
    expect(l.available).toBe(Infinity);
    for (let i = 0; i < 5; i++) expect(l.tryAcquire()).toBe(true);
    expect(l.stats()).toEqual({ acquired: 5, refused: 0, inUse: 5 });
  });

  test('a limited number of seats: refused when exhausted, free again after release', () => {
    const l = createLicenceSimulator();
    l.available = 2;
    expect([l.tryAcquire(), l.tryAcquire(), l.tryAcquire()]).toEqual([true, true, false]);
    expect(l.available).toBe(0);
    l.release();
    expect(l.available).toBe(1);
    expect(l.tryAcquire()).toBe(true);
    expect(l.stats()).toEqual({ acquired: 3, refused: 1, inUse: 2 });
  });

  test('failNext(n): the next n acquires fail even with seats free, then they succeed', () => {
    const l = createLicenceSimulator();
    l.failNext(2);
    expect([l.tryAcquire(), l.tryAcquire(), l.tryAcquire()]).toEqual([false, false, true]);
    expect(l.stats()).toEqual({ acquired: 1, refused: 2, inUse: 1 });
    l.failNext(1);
    l.failNext(0);
    expect(l.tryAcquire()).toBe(true);
  });

  test('a refused acquire does not take a seat', () => {
    const l = createLicenceSimulator();
    l.available = 1;
    l.failNext(1);
    expect(l.tryAcquire()).toBe(false);
    expect(l.available).toBe(1);
    expect(l.tryAcquire()).toBe(true);
  });

  test('releasing more than was acquired is a bug and throws', () => {
    const l = createLicenceSimulator();
    expect(() => l.release()).toThrow(/not acquired/);
    expect(() => l.failNext(-1)).toThrow();
  });

  test('each embedded Optima has its own simulator', () => {
    const a = openEmbeddedOptima({ seed: false });
    const b = openEmbeddedOptima({ seed: false });
    try {
      a.licences.available = 0;
      expect(a.licences.tryAcquire()).toBe(false);
      expect(b.licences.tryAcquire()).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  });
});
