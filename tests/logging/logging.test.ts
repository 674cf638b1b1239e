/**
 * The worker's JSON logs (worker/logging.ts): secrets and buyer data never reach a line, and
 * the lines of an order carry its id, account and step as JSON fields.
 */
import { Writable } from 'node:stream';
import { log as activityLog } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { orderWorkflowId } from '../../workflows/definitions';
import { createLogger, orderFieldsOf, TemporalLogger } from '../../worker/logging';

/** A logger whose lines land in `lines`, parsed. */
function capture(): { logger: TemporalLogger; text: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = new TemporalLogger(createLogger({ level: 'trace', destination }));
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, text, lines };
}

describe('worker logs', () => {
  it('prints no token, secret or buyer e-mail, and the order fields as JSON', () => {
    const { logger, text, lines } = capture();
    logger.warn('token refresh failed', {
      workflowId: 'order:shop:abc',
      activityType: 'createDocument',
      attempt: 3,
      accessToken: 'access-123',
      refreshToken: 'refresh-456',
      credentials: { clientSecret: 'secret-789', authorization: 'Bearer xyz-000' },
      buyer: { email: 'jan.kowalski@example.pl', login: 'jankow' },
      email: 'ewa.nowak@example.pl',
    });

    for (const value of ['access-123', 'refresh-456', 'secret-789', 'xyz-000', 'jan.kowalski', 'jankow', 'ewa.nowak']) {
      expect(text()).not.toContain(value);
    }
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'token refresh failed',
        orderId: 'abc',
        account: 'shop',
        step: 'createDocument',
        attempt: 3,
        time: expect.any(Number),
      }),
    ]);
  });

  it('maps each Temporal level to the pino level of the same name', () => {
    const { logger, lines } = capture();
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    logger.log('WARN', 'w');
    logger.error('e', { error: new Error('boom') });
    expect(lines().map((line) => [line.level, line.msg])).toEqual([
      ['trace', 't'],
      ['debug', 'd'],
      ['info', 'i'],
      ['warn', 'w'],
      ['error', 'e'],
    ]);
    expect(lines()[4].error).toEqual(expect.objectContaining({ type: 'Error', message: 'boom' }));
  });

  it('gives a workflow line of order:shop:abc its orderId and account', () => {
    const { logger, lines } = capture();
    // The metadata the SDK's workflow logger adds (workflowLogAttributes).
    logger.info('order journey ended', {
      namespace: 'default',
      taskQueue: 'allegro-optima',
      workflowId: 'order:shop:abc',
      runId: 'run-1',
      workflowType: 'importOrder',
      sdkComponent: 'workflow',
    });
    const [line] = lines();
    expect(line).toEqual(expect.objectContaining({ orderId: 'abc', account: 'shop', workflowType: 'importOrder' }));
    expect(line).not.toHaveProperty('step');
  });

  it('reads back the ids orderWorkflowId makes, and nothing from other workflows', () => {
    expect(orderFieldsOf(orderWorkflowId('shop:pl', 'c0ffee-1'))).toEqual({ account: 'shop:pl', orderId: 'c0ffee-1' });
    expect(orderFieldsOf('poller:shop')).toBeUndefined();
    expect(orderFieldsOf(undefined)).toBeUndefined();
  });

  it("carries the SDK's activity metadata: workflowId, workflowType, activityType, attempt, taskQueue", async () => {
    const { logger, lines } = capture();
    const env = new MockActivityEnvironment(
      {
        activityType: 'createDocument',
        attempt: 2,
        taskQueue: 'allegro-optima',
        workflowType: 'importOrder',
        workflowExecution: { workflowId: 'order:shop:abc', runId: 'run-1' },
      },
      { logger },
    );
    await env.run(async () => {
      activityLog.info('document created', { documentId: 7 });
    });

    const line = lines().find((l) => l.msg === 'document created');
    expect(line).toEqual(
      expect.objectContaining({
        level: 'info',
        workflowId: 'order:shop:abc',
        workflowType: 'importOrder',
        activityType: 'createDocument',
        step: 'createDocument',
        attempt: 2,
        taskQueue: 'allegro-optima',
        orderId: 'abc',
        account: 'shop',
        documentId: 7,
      }),
    );
    expect(line).toHaveProperty('taskToken', '[redacted]');
  });
});
