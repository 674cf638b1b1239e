/**
 * The settings version: a short digest of the import policy (rules and mappings), so that a
 * document records which settings produced it and a person can tell two settings apart.
 */
import { createHash } from 'node:crypto';
import type { ImportPolicy, OrderRules, VersionedPolicy } from '../domain/types';

/** First 12 hex digits of sha256 over the policy's canonical JSON (keys sorted). */
export function policyVersion(policy: ImportPolicy): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex').slice(0, 12);
}

export function versioned(policy: ImportPolicy): VersionedPolicy {
  return { version: policyVersion(policy), policy };
}

/** The few rules the order workflow's own control flow reads, from the settings in force. */
export function orderRulesOf({ version, policy }: VersionedPolicy): OrderRules {
  const { stage, licenceRetryDelaySeconds, cancelledAfterDocument, markProcessing } = policy;
  return { stage, licenceRetryDelaySeconds, cancelledAfterDocument, markProcessing, settingsVersion: version };
}

/** JSON with object keys sorted at every level: the same settings give the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
