/**
 * The worker's activity interceptor (worker/interceptors.ts), in MockActivityEnvironment: an
 * activity throwing a typed error, or a raw vendor error that escaped its adapter, ends as
 * the ApplicationFailure the workflows key on, non-retryable when no retry can help.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { AllegroOrderGoneError } from '../../activities/allegro/errors';
import { NeedsPersonError } from '../../domain/errors';
import { activityInterceptors } from '../../worker/interceptors';

/** As the worker runs activities; expected failures would each print a WARN block. */
const asOnTheWorker = { logger: new DefaultLogger('ERROR'), interceptors: [activityInterceptors] };

async function failureOf(thrown: unknown): Promise<ApplicationFailure> {
  const env = new MockActivityEnvironment(undefined, asOnTheWorker);
  const error = await env
    .run(async () => {
      throw thrown;
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('activity interceptor', () => {
  test('a raw SQLite busy error becomes a retryable TransientError', async () => {
    const failure = await failureOf(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
    expect(failure.type).toBe('TransientError');
    expect(failure.nonRetryable).toBe(false);
  });

  test('a raw SQL Server constraint error (mssql RequestError 547) becomes a non-retryable PermanentError', async () => {
    const raw = Object.assign(new Error('The INSERT statement conflicted with the FOREIGN KEY constraint'), {
      name: 'RequestError',
      number: 547,
    });
    const failure = await failureOf(raw);
    expect(failure.type).toBe('PermanentError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{ system: 'optima', code: 'SQL547' }]);
  });

  test('a subclass of a typed error fails with the typed name; a person-needed reason travels in the details', async () => {
    const gone = await failureOf(new AllegroOrderGoneError('Allegro 404', { checkoutFormId: 'x' }));
    expect(gone.type).toBe('OrderGoneError');
    expect(gone.nonRetryable).toBe(true);
    const person = await failureOf(new NeedsPersonError('unmapped-payment', 'no mapping for CRYPTO'));
    expect(person.type).toBe('NeedsPersonError');
    expect(person.details).toEqual([{ reason: 'unmapped-payment' }]);
  });

  test('an error that is neither typed nor a vendor error passes unchanged', async () => {
    const plain = new Error('something else');
    const env = new MockActivityEnvironment(undefined, asOnTheWorker);
    await expect(
      env.run(async () => {
        throw plain;
      }),
    ).rejects.toBe(plain);
  });

  test('a running activity heartbeats three times within a short heartbeat timeout; every 3 s within a long one', async () => {
    const beatsWithin = async (heartbeatTimeoutMs: number) => {
      const env = new MockActivityEnvironment({ heartbeatTimeoutMs }, asOnTheWorker);
      let beats = 0;
      env.on('heartbeat', () => beats++);
      await env.run(() => new Promise((resolve) => setTimeout(resolve, 700)));
      return beats;
    };
    expect(await beatsWithin(600)).toBeGreaterThanOrEqual(2); // one every 200 ms
    expect(await beatsWithin(15_000)).toBe(0); // the first after 3 s
  });
});
