/**
 * The rules the order journey's control flow reads: from the current settings (the
 * loadOrderRules local activity), or from pinned rules carried in an older input.
 */
import { IMPORT_STAGES, type ImportPolicy, type ImportStage, type OrderRules } from '../domain/types';

/**
 * Patch id: a bare `retry` unpins rules an older workflow carried in its input, so the
 * settings in force reach it too; its recorded histories keep the pinned rules on replay.
 */
export const UNPIN_ON_RETRY = 'unpin-policy-on-retry';

/** The control-flow rules of pinned rules (no activity: older histories recorded none). */
export function rulesOf(policy: ImportPolicy): OrderRules {
  const { stage, licenceRetryDelaySeconds, cancelledAfterDocument, markProcessing } = policy;
  return { stage, licenceRetryDelaySeconds, cancelledAfterDocument, markProcessing, settingsVersion: 'pinned' };
}

export function stageReached(status: string, stage: ImportStage): boolean {
  const at = IMPORT_STAGES.indexOf(status as ImportStage);
  return at >= 0 && at >= IMPORT_STAGES.indexOf(stage);
}
