/**
 * The worker's logs: one JSON object a line on stdout (pretty, coloured text when stdout is a
 * terminal), through pino. The Temporal SDK logs through `TemporalLogger`, so workflow and
 * activity lines carry the SDK's metadata plus the order's id, its account and the step.
 */
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import pino, { type DestinationStream, type Level, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';

const SECRET_FIELDS = [
  'token',
  'secret',
  'password',
  'authorization',
  'accessToken',
  'refreshToken',
  'clientSecret',
  // Whoever holds an activity's task token can complete or fail it.
  'taskToken',
];

/** A safety net: the integrator logs only ids, never a buyer or a recipient. */
const PERSONAL_FIELDS = [
  'buyer',
  'recipient',
  'address',
  'email',
  'phone',
  'phoneNumber',
  'firstName',
  'lastName',
  'login',
];

/** Top level, one and two levels down: meta objects are flat, but errors and settings nest. */
const REDACTED_PATHS = [...SECRET_FIELDS, ...PERSONAL_FIELDS].flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

/**
 * `destination`: where the lines go (tests pass a buffer). Without it, stdout; pino-pretty runs
 * as a synchronous stream rather than a worker-thread transport, so no line is lost on exit.
 */
export function createLogger(options: { level?: Level; destination?: DestinationStream } = {}): PinoLogger {
  const destination =
    options.destination ?? (process.stdout.isTTY ? pretty({ sync: true }) : pino.destination({ fd: 1, sync: true }));
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Level names, not pino's numbers, so a reader needs no table to grep for "warn".
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    destination,
  );
}

const ORDER_WORKFLOW_ID = /^order:(.+):([^:]+)$/;

/**
 * The account and order of an order workflow's id, `order:<account>:<checkoutFormId>` (made by
 * orderWorkflowId in workflows/definitions.ts); nothing for any other workflow.
 */
export function orderFieldsOf(workflowId: unknown): { account: string; orderId: string } | undefined {
  if (typeof workflowId !== 'string') return undefined;
  const match = ORDER_WORKFLOW_ID.exec(workflowId);
  return match ? { account: match[1], orderId: match[2] } : undefined;
}

const PINO_LEVEL: Record<LogLevel, Level> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Temporal's Logger over pino: install it with `Runtime.install({ logger })`. */
export class TemporalLogger implements Logger {
  constructor(private readonly pino: PinoLogger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    const fields: Record<string, unknown> = { ...meta, ...orderFieldsOf(meta.workflowId) };
    if (typeof meta.activityType === 'string') fields.step = meta.activityType;
    this.pino[PINO_LEVEL[level]](fields, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
