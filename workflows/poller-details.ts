/**
 * The poller's "current details" in the Temporal Web UI (markdown): what an operator on the
 * workflow's page needs before and after sending a signal.
 */
import type { PollerSchedule, PollerStatus, ResetOutcome, ResetTarget } from './definitions';

export function pollerDetails(status: PollerStatus): string {
  const lines = [
    `**${status.paused ? 'Paused' : 'Polling'}** ${scheduleText(status.schedule)} · account ${status.account}`,
    `Cursor: ${status.cursor ?? '(not set yet)'}${status.backfillFrom ? ` · backfill from ${status.backfillFrom}` : ''}`,
    `Events seen ${status.eventsSeen} · orders started ${status.ordersStarted}` +
      ` · already done ${status.ordersAlreadyDone ?? 0} · waiting ${status.waitingOrders}`,
    `Last import: ${status.lastImportAt ?? 'none yet'} · next run: ${status.paused ? 'when resumed' : (status.nextRunAt ?? 'now')}`,
  ];
  if (status.lastError) lines.push(`Last error: ${status.lastError}`);
  if (status.lastReset) lines.push(resetText(status.lastReset));
  // Two spaces end a markdown line without starting a paragraph.
  return lines.join('  \n');
}

function scheduleText(schedule: PollerSchedule): string {
  if (schedule.kind === 'interval') return `every ${schedule.seconds} s`;
  const time = `${String(schedule.hour).padStart(2, '0')}:${String(schedule.minute).padStart(2, '0')}`;
  return `daily at ${time} ${schedule.timeZone}`;
}

function targetText(target: ResetTarget): string {
  // A refused signal's target is whatever was typed, perhaps not even an object.
  if (typeof target !== 'object' || target === null) return JSON.stringify(target) ?? 'nothing';
  if (target.to === 'event') return `event ${target.eventId}`;
  if (target.to === 'date') return `date ${target.date}`;
  return target.to === 'now' ? 'now' : JSON.stringify(target);
}

function resetText(reset: ResetOutcome): string {
  const head = `Last reset (${reset.via}, ${reset.at}) to ${targetText(reset.target)}`;
  if (reset.refused) return `${head}: refused, ${reset.refused}`;
  return `${head}: cursor ${reset.cursor ?? '(oldest kept event)'}${reset.backfillFrom ? `, backfill from ${reset.backfillFrom}` : ''}`;
}
