/**
 * The demo's Allegro: the simulator (dev/allegro-simulator) plus a journal file that makes it
 * survive a restart. The simulator keeps its orders in memory, but it is deterministic: the
 * same seed and the same calls at the same clock times give the same orders, the same
 * checkout-form ids and the same event ids. So the journal records every call the demo makes
 * (with the clock time it made it at) and a restart replays them on a simulator whose clock is
 * set back to each call's time. The poller's cursor (an event id) therefore points into the
 * same event journal after a restart, and it goes on from there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { startAllegroSimulator, type AllegroSimulator } from '../../dev/allegro-simulator';

/** The backlog of the first start is spread over the hour before it, like orders taken overnight. */
const BACKLOG_SPREAD_SECONDS = 3600;
/** Share of new orders the buyer has not paid yet (FILLED_IN): they pay a few seconds later. */
const UNPAID_SHARE = 0.15;
const PAY_DELAY_MS = { min: 5_000, max: 20_000 };

interface JournalHeader {
  seed: number;
  createdAt: string;
  /** Where a brand-new poller starts: before the first backlog order. */
  initialSync: string;
}

/** One recorded call: `at` is the simulator clock (ms) when it was made. */
type JournalOp = { at: number; add: number; spread?: number; unpaid?: boolean } | { at: number; pay: string };

export interface SimulatedAllegroOptions {
  /** The journal file (JSON lines). */
  file: string;
  port: number;
  clientId: string;
  clientSecret: string;
  /** New orders per second (0: none). */
  rate: number;
  /** Orders already there on the first start. */
  backlog: number;
}

export interface SimulatedAllegro {
  simulator: AllegroSimulator;
  url: string;
  /** Where a brand-new poller should start reading (ISO date before the first order). */
  initialSync: string;
  /** True when this start created the journal (first start). */
  firstStart: boolean;
  /** Orders replayed from the journal. */
  replayedOrders: number;
  /** When each paid order became ready for processing (ms), by checkout-form id. */
  readyAt: ReadonlyMap<string, number>;
  /** Orders on the simulated Allegro now. */
  orderCount(): number;
  /** Starts the stream of new orders (rate per second) and the payments of unpaid ones. */
  startStream(): void;
  /** No more new orders or payments (the simulator keeps answering). */
  stopStream(): void;
  /** Stops the stream and closes the simulator. */
  close(): Promise<void>;
}

function readJournal(file: string): { header: JournalHeader; ops: JournalOp[] } | undefined {
  if (!fs.existsSync(file)) return undefined;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const header = JSON.parse(lines[0]) as JournalHeader;
  const ops: JournalOp[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    try {
      ops.push(JSON.parse(line) as JournalOp);
    } catch {
      // A line cut short by a crash: the call it records was never acknowledged to anyone.
      break;
    }
  }
  return { header, ops };
}

export async function startSimulatedAllegro(options: SimulatedAllegroOptions): Promise<SimulatedAllegro> {
  const journal = readJournal(options.file);
  const now = Date.now();
  const header: JournalHeader = journal?.header ?? {
    seed: randomInt(1, 2 ** 31 - 1),
    createdAt: new Date(now).toISOString(),
    initialSync: new Date(now - (BACKLOG_SPREAD_SECONDS + 60) * 1000).toISOString(),
  };

  /** Set while replaying: the simulator then believes it is that moment again. */
  let replayClock: number | undefined;
  const clock = (): number => replayClock ?? Date.now();
  const simulator = await startAllegroSimulator({
    seed: header.seed,
    port: options.port,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    now: () => new Date(clock()),
  });

  const readyAt = new Map<string, number>();
  const unpaid = new Set<string>();
  const apply = (op: JournalOp): void => {
    if ('pay' in op) {
      simulator.admin.advance(op.pay, 'READY_FOR_PROCESSING');
      unpaid.delete(op.pay);
      readyAt.set(op.pay, op.at);
      return;
    }
    const spread = op.spread ?? 0;
    const ids = simulator.admin.addOrders(op.add, {
      ...(spread > 0 ? { spreadOverSeconds: spread } : {}),
      ...(op.unpaid ? { status: 'FILLED_IN' as const } : {}),
    });
    // The same arithmetic as admin.addOrders spreads the status times with.
    ids.forEach((id, i) => {
      if (op.unpaid) unpaid.add(id);
      else readyAt.set(id, op.at - spread * 1000 + Math.round(((i + 1) * spread * 1000) / op.add));
    });
  };

  let out: number | undefined;
  const record = (op: JournalOp): void => {
    // The live call sees the very clock time the replay will set, to the millisecond.
    replayClock = op.at;
    try {
      apply(op);
    } finally {
      replayClock = undefined;
    }
    fs.appendFileSync(out as number, `${JSON.stringify(op)}\n`);
  };

  try {
    for (const op of journal?.ops ?? []) {
      replayClock = op.at;
      apply(op);
    }
    replayClock = undefined;
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    out = fs.openSync(options.file, 'a');
    if (!journal) {
      fs.appendFileSync(out, `${JSON.stringify(header)}\n`);
      if (options.backlog > 0) record({ at: clock(), add: options.backlog, spread: BACKLOG_SPREAD_SECONDS });
    }
  } catch (error) {
    await simulator.close();
    if (out !== undefined) fs.closeSync(out);
    throw error;
  }
  const replayedOrders = journal ? simulator.admin.stats().orders : 0;

  const payLater = new Map<string, NodeJS.Timeout>();
  const schedulePayment = (id: string): void => {
    const timer = setTimeout(
      () => {
        payLater.delete(id);
        record({ at: clock(), pay: id });
      },
      randomInt(PAY_DELAY_MS.min, PAY_DELAY_MS.max),
    );
    payLater.set(id, timer);
  };

  let stream: NodeJS.Timeout | undefined;
  const stopStream = (): void => {
    if (stream) clearInterval(stream);
    stream = undefined;
    for (const timer of payLater.values()) clearTimeout(timer);
    payLater.clear();
  };
  return {
    simulator,
    url: simulator.url,
    initialSync: header.initialSync,
    firstStart: !journal,
    replayedOrders,
    readyAt,
    orderCount: () => simulator.admin.stats().orders,
    startStream() {
      if (stream) return;
      // Buyers who had not paid when the demo stopped pay now (their timers died with it).
      for (const id of unpaid) if (!payLater.has(id)) schedulePayment(id);
      if (!(options.rate > 0)) return;
      let owed = 0;
      let last = Date.now();
      stream = setInterval(
        () => {
          const t = Date.now();
          owed += (options.rate * (t - last)) / 1000;
          last = t;
          const count = Math.floor(owed);
          if (count === 0) return;
          owed -= count;
          const unpaidCount = [...Array(count).keys()].filter(() => Math.random() < UNPAID_SHARE).length;
          if (count - unpaidCount > 0) record({ at: clock(), add: count - unpaidCount });
          if (unpaidCount > 0) {
            const before = new Set(unpaid);
            record({ at: clock(), add: unpaidCount, unpaid: true });
            for (const id of unpaid) if (!before.has(id)) schedulePayment(id);
          }
        },
        Math.min(1000, 1000 / options.rate),
      );
    },
    stopStream,
    async close() {
      stopStream();
      await simulator.close();
      if (out !== undefined) fs.closeSync(out);
      out = undefined;
    },
  };
}
