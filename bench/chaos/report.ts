/** The chaos run's table, and whether it passed (nothing lost, duplicated or booked wrong). */
import type { ChaosResult } from './chaos';
import type { Percentiles } from './latency';

/** Exit code 1 when any of these is not zero. */
export function failures(result: ChaosResult): string[] {
  const v = result.verdict;
  const counts = {
    lost: v.lost,
    'duplicate documents': v.duplicateDocuments,
    'duplicate contractors': v.duplicateContractors,
    'total mismatches': v.totalMismatches,
  };
  return Object.entries(counts)
    .filter(([, n]) => n !== 0)
    .map(([name, n]) => `${name}: ${n}`);
}

const seconds = (p: Percentiles) =>
  p.count === 0
    ? 'n/a'
    : `p50 ${p.p50Seconds} s, p95 ${p.p95Seconds} s, min ${p.minSeconds} s, max ${p.maxSeconds} s (${p.count}; ` +
      `${p.within['10s']} within 10 s, ${p.within['30s']} within 30 s, ${p.within['60s']} within 60 s)`;

export function formatChaosReport(result: ChaosResult): string {
  const v = result.verdict;
  const o = result.options;
  const rows: [string, string | number][] = [
    ['orders on Allegro', v.ordersOnAllegro],
    ['paid', v.paid],
    ['cancelled', v.cancelled],
    ['with a document', v.withDocument],
    ['lost', v.lost],
    ['duplicate documents', v.duplicateDocuments],
    ['duplicate contractors', v.duplicateContractors],
    ['cards of orders cancelled first', v.cardsOfCancelledOrders],
    ['total mismatches', v.totalMismatches],
    ['numbering gaps', v.numberingGaps],
    ['failed workflows', v.failedWorkflows],
    ['waiting with a reason', v.waitingWithReason],
    ['paid → workflow started', seconds(result.paidToWorkflowStarted)],
    ['paid → document', seconds(result.paidToDocument)],
    [
      'settled after the last fault',
      result.settleSecondsAfterLastFault === null
        ? 'NOT SETTLED'
        : `${result.settleSecondsAfterLastFault.toFixed(1)} s`,
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [
    `Chaos run: ${o.orders} orders, seed ${o.seed}, ${o.workers} workers, ${result.faults.kills} kills, ` +
      `${result.faults.serverRestarts} server restarts, Allegro faults ${(o.allegroFaultRate * 100).toFixed(0)}% ` +
      `(${result.faults.allegroFaults} of ${result.faults.allegroRequests} calls), licence refusals ${(o.licenceRefusalRate * 100).toFixed(0)}%, ` +
      `${result.wallSeconds.toFixed(0)} s`,
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
  ];
  for (const [kind, ids] of Object.entries(v.examples)) lines.push(`  e.g. ${kind}: ${ids.join(', ')}`);
  const failed = failures(result);
  lines.push(failed.length === 0 ? 'PASS: nothing lost, duplicated or booked wrong' : `FAIL: ${failed.join('; ')}`);
  return `${lines.join('\n')}\n`;
}
