/** Every command of the CLI, in the order the tool's --help lists them. */
import type { CommandSpec } from '../command';
import { auth } from './auth';
import { backfill } from './backfill';
import { check } from './check';
import { watchFulfilment } from './fulfilment';
import { importOffers } from './import-offers';
import { mappings } from './mappings';
import { importNow, pause, reset, resume, start, stop } from './poller';
import { retry } from './retry';
import { status } from './status';
import { syncOffers } from './sync-offers';

export const COMMANDS: CommandSpec[] = [
  auth,
  check,
  start,
  stop,
  status,
  pause,
  resume,
  importNow,
  reset,
  backfill,
  retry,
  mappings,
  importOffers,
  syncOffers,
  watchFulfilment,
];
