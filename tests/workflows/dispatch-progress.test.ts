import { DispatchProgressTracker, type DispatchProgress } from '../../activities/dispatch-progress';

describe('DispatchProgressTracker', () => {
  test('counts only the leading forms all finished, whatever order they finish in', () => {
    const progress = new DispatchProgressTracker(4, undefined);
    progress.finished(1, 'dispatched');
    progress.finished(3, 'alreadyDone');
    expect(progress.snapshot()).toEqual({
      done: 0,
      counts: { dispatched: 0, alreadyDone: 0, cancellationsStarted: 0 },
    });
    progress.finished(0, 'cancellationStarted');
    expect(progress.snapshot()).toEqual({
      done: 2,
      counts: { dispatched: 1, alreadyDone: 0, cancellationsStarted: 1 },
    });
    progress.finished(2, 'dispatched');
    expect(progress.snapshot()).toEqual({
      done: 4,
      counts: { dispatched: 2, alreadyDone: 1, cancellationsStarted: 1 },
    });
  });

  test('a retry starts after the heartbeat’s forms and keeps their counts', () => {
    const progress = new DispatchProgressTracker(3, {
      done: 2,
      counts: { dispatched: 2, alreadyDone: 0, cancellationsStarted: 0 },
    });
    expect(progress.start).toBe(2);
    progress.finished(2, 'alreadyDone');
    expect(progress.snapshot()).toEqual({
      done: 3,
      counts: { dispatched: 2, alreadyDone: 1, cancellationsStarted: 0 },
    });
  });

  test('a progress that does not fit the page is not trusted: the whole page is dispatched', () => {
    const counts = { dispatched: 9, alreadyDone: 0, cancellationsStarted: 0 };
    expect(new DispatchProgressTracker(3, { done: 9, counts }).start).toBe(0);
    expect(new DispatchProgressTracker(3, { done: 1.5, counts }).start).toBe(0);
    expect(new DispatchProgressTracker(3, { done: 1 } as unknown as DispatchProgress).start).toBe(0);
    expect(new DispatchProgressTracker(3, undefined).snapshot().counts.dispatched).toBe(0);
  });
});
