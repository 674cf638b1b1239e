/**
 * What every activity needs, done once around all of them (Temporal's activity inbound
 * interceptor) instead of in each one:
 *
 * - heartbeats: a running activity heartbeats every few seconds (only once it has run that
 *   long), so the workflows' heartbeat timeouts notice a dead worker in seconds;
 * - typed failures: a typed error (domain/errors.ts), or a raw vendor error that escaped its
 *   adapter (SQLite, SQL Server), leaves as an ApplicationFailure whose `type` is the typed
 *   error's name (what the workflows' retry policies and waits key on), non-retryable when
 *   no retry can help, with the reason a person needs in its details. Temporal would otherwise
 *   take the class name, and a subclass such as AllegroOrderGoneError would match nothing.
 */
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptors } from '@temporalio/worker';
import { OWN_HEARTBEATS } from '../activities';
import { classifyMssqlError, classifySqliteError } from '../activities/optima/errors';
import { ERROR_TYPES, NeedsPersonError, NON_RETRYABLE_ERROR_TYPES } from '../domain/errors';

const HEARTBEAT_EVERY_MS = 3000;
const TYPED_ERRORS = new Set<string>(Object.values(ERROR_TYPES));
const NON_RETRYABLE = new Set<string>(NON_RETRYABLE_ERROR_TYPES);
/** Error classes of the mssql package (tedious's carry the same names). */
const MSSQL_ERROR_NAMES = new Set(['ConnectionError', 'RequestError', 'TransactionError', 'PreparedStatementError']);

export function activityInterceptors(ctx: Context): ActivityInterceptors {
  return { inbound: new ActivityConcerns(ctx) };
}

class ActivityConcerns implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(...[input, next]: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>) {
    const { activityType, isLocal } = this.ctx.info;
    const beats = !isLocal && !(OWN_HEARTBEATS as readonly string[]).includes(activityType);
    // A short heartbeat timeout (the poller's reads: 3 s) is beaten three times within it.
    const every = Math.min(HEARTBEAT_EVERY_MS, (this.ctx.info.heartbeatTimeoutMs ?? Infinity) / 3);
    const beat = beats ? setInterval(() => this.ctx.heartbeat(), every) : undefined;
    try {
      return await next(input);
    } catch (error) {
      throw toFailure(error);
    } finally {
      clearInterval(beat);
    }
  }
}

/** The typed error behind `error` as a failure of that type; anything else unchanged. */
export function toFailure(error: unknown): unknown {
  const typed = typedError(error);
  if (!typed) return error;
  const details =
    typed instanceof NeedsPersonError
      ? [{ reason: typed.reason }]
      : 'details' in typed
        ? [(typed as { details: unknown }).details]
        : [];
  return ApplicationFailure.create({
    type: typed.name,
    message: typed.message,
    details,
    nonRetryable: NON_RETRYABLE.has(typed.name),
    cause: typed,
  });
}

function typedError(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  if (TYPED_ERRORS.has(error.name)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return classifySqliteError(error);
  if (MSSQL_ERROR_NAMES.has(error.name)) return classifyMssqlError(error);
  return undefined;
}
