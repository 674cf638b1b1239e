/**
 * The chaos run, small (issue 15: ≥ 150 orders, one worker kill, one dev-server restart), as
 * CI runs it: nothing lost, nothing duplicated, every total as paid, numbering without gaps,
 * no failed workflow. Its own dev server besides the run's one; generous timeouts for 2 cores.
 */
import { runChaos, type ChaosResult } from '../../bench/chaos/chaos';
import { failures, formatChaosReport } from '../../bench/chaos/report';
import { parseChaosArgs } from '../../bench/chaos/run';

describe('npm run chaos', () => {
  it('parses its options and refuses a share above 1 with the option named', () => {
    expect(parseChaosArgs(['--orders', '150', '--kills', '1', '--restarts', '1', '--seed', '7']).options).toEqual({
      orders: 150,
      kills: 1,
      serverRestarts: 1,
      seed: 7,
    });
    expect(() => parseChaosArgs(['--allegro-fault-rate', '1.5'])).toThrow(
      /--allegro-fault-rate must be a number from 0 to 1/,
    );
  });

  let result: ChaosResult;
  it('loses, duplicates and misbooks nothing through a worker kill and a server restart', async () => {
    const bundle = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE;
    result = await runChaos({
      orders: 150,
      kills: 1,
      serverRestarts: 1,
      settleTimeoutSeconds: 600,
      seed: 15,
      ...(bundle ? { workflowBundlePath: bundle } : {}),
    });
    process.stdout.write(formatChaosReport(result));
    const v = result.verdict;
    expect(result.settled).toBe(true);
    expect(failures(result)).toEqual([]);
    expect(v).toMatchObject({ lost: 0, duplicateDocuments: 0, duplicateContractors: 0, totalMismatches: 0 });
    expect(v.numberingGaps).toBe(0);
    expect(v.failedWorkflows).toBe(0);
    expect(v.paid).toBe(150);
    expect(v.cancelled).toBeGreaterThan(0);
    // Every paid order not cancelled has its document (a cancelled one may have one too).
    expect(v.withDocument).toBeGreaterThanOrEqual(v.paid - v.cancelled - v.waitingWithReason);
    expect(result.paidToWorkflowStarted.count).toBe(v.paid);
    expect(result.faults.allegroFaults).toBeGreaterThan(0);
  }, 900_000);
});
