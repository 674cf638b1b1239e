/**
 * The rules the order journey's control flow reads: from the current settings (the
 * loadOrderRules local activity), or from pinned rules carried in an older input.
 */
import { patched } from '@temporalio/workflow';
import { IMPORT_STAGES, type ImportPolicy, type ImportStage, type OrderRules } from '../domain/types';
import { loadOrderRules } from './order-steps';

/**
 * Patch id: a bare `retry` unpins rules an older workflow carried in its input, so the
 * settings in force reach it too; its recorded histories keep the pinned rules on replay.
 */
const UNPIN_ON_RETRY = 'unpin-policy-on-retry';

/** The control-flow rules of pinned rules (no activity: older histories recorded none). */
function rulesOf(policy: ImportPolicy): OrderRules {
  const { stage, licenceRetryDelaySeconds, cancelledAfterDocument, markProcessing } = policy;
  return { stage, licenceRetryDelaySeconds, cancelledAfterDocument, markProcessing, settingsVersion: 'pinned' };
}

export function stageReached(status: string, stage: ImportStage): boolean {
  const at = IMPORT_STAGES.indexOf(status as ImportStage);
  return at >= 0 && at >= IMPORT_STAGES.indexOf(stage);
}

/** Which rules an order journey decides with: pinned ones (older inputs, tests), else the settings'. */
export class JourneyRules {
  private loaded: OrderRules | undefined;

  constructor(
    private readonly account: string,
    private pinned: ImportPolicy | undefined,
  ) {}

  /** The rules now; the settings' are loaded when not known since the last refresh. */
  async current(): Promise<OrderRules> {
    if (this.pinned) return rulesOf(this.pinned);
    this.loaded ??= await loadOrderRules({ account: this.account });
    return this.loaded;
  }

  /** Rules read from the settings a moment ago (the dispatch's, journey 3): no need to load them. */
  use(rules: OrderRules): void {
    this.loaded = rules;
  }

  /** The next decision reads the settings again (at each read of the order, after a retry). */
  refresh(): void {
    this.loaded = undefined;
  }

  /** A `retry`: a policy in its payload (older CLIs) pins it; a bare one unpins (settings in force). */
  retried(policy: ImportPolicy | undefined): void {
    if (policy) this.pinned = policy;
    else if (this.pinned && patched(UNPIN_ON_RETRY)) this.pinned = undefined;
    this.refresh();
  }

  /** What an activity input carries: only pinned rules (else the activity reads the settings). */
  forActivity(): { policy?: ImportPolicy } {
    return this.pinned ? { policy: this.pinned } : {};
  }
}
