/**
 * Turning zod's issues into messages that name the dotted key, say what is allowed and,
 * for an override, which variable brought the value. Secrets are never echoed.
 */
import type { z } from 'zod';
import { SECRET_KEYS } from './schema';
import { allowedKeysAt, dottedPath, takesWholeNumberAt, type KeyPath } from './shape';

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    readonly problems: string[],
    readonly source: string,
  ) {
    super(`Invalid settings (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const keyPath = (path: readonly PropertyKey[]): KeyPath =>
  path.filter((p): p is string | number => typeof p !== 'symbol');

function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a map of keys';
  return JSON.stringify(value);
}

const isSecret = (path: readonly PropertyKey[]) =>
  (SECRET_KEYS as readonly PropertyKey[]).includes(path[path.length - 1]);

type Issue = z.core.$ZodIssue & { input?: unknown };

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map of keys',
  array: 'a list',
};

function describeIssue(issue: Issue, base: readonly PropertyKey[]): string[] {
  const path = [...base, ...issue.path];
  const got =
    issue.input === undefined ? '' : isSecret(path) ? ' (got a secret, not shown)' : ` (got ${shown(issue.input)})`;
  switch (issue.code) {
    case 'invalid_type': {
      // z.int() reports a wrong type as "expected number"; say "whole number" as the schema means.
      const expected =
        issue.expected === 'number' && takesWholeNumberAt(keyPath(path))
          ? 'a whole number'
          : (EXPECTED[issue.expected] ?? issue.expected);
      if (issue.input === undefined) return [`${dottedPath(path)}: is required (${expected})`];
      return [`${dottedPath(path)}: must be ${expected}${got}`];
    }
    case 'invalid_value':
      return [
        `${dottedPath(path)}: must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map(String).join(', ')}${got}`,
      ];
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(keyPath(path));
      return issue.keys.map(
        (key) => `${dottedPath([...path, key])}: unknown key (allowed here: ${allowed.join(', ')})`,
      );
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator) {
        const input = issue.input as Record<string, unknown> | undefined;
        const value = input && typeof input === 'object' ? input[issue.discriminator] : undefined;
        const options = (issue as { options?: unknown[] }).options ?? [];
        const where = path[path.length - 1] === issue.discriminator ? path : [...path, issue.discriminator];
        return [
          `${dottedPath(where)}: must be one of ${options.map(String).join(', ')}${value === undefined ? '' : ` (got ${shown(value)})`}`,
        ];
      }
      const branches = issue.errors.filter((b) => b.length > 0).sort((a, b) => a.length - b.length);
      if (branches.length === 0) return [`${dottedPath(path)}: ${issue.message}`];
      return branches[0].flatMap((i) => describeIssue(i, path));
    }
    case 'too_small':
      if (issue.origin === 'array')
        return [
          `${dottedPath(path)}: ${issue.message.startsWith('must') ? issue.message : `must have at least ${issue.minimum} item(s)`}`,
        ];
      if (issue.origin === 'string')
        return [
          `${dottedPath(path)}: ${issue.message.startsWith('must') ? issue.message : `must have at least ${issue.minimum} character(s)`}`,
        ];
      return [`${dottedPath(path)}: must be at least ${issue.minimum}${got}`];
    case 'too_big':
      if (issue.origin === 'string')
        return [`${dottedPath(path)}: must have at most ${issue.maximum} characters${got}`];
      if (issue.origin === 'array') return [`${dottedPath(path)}: must have at most ${issue.maximum} items`];
      return [`${dottedPath(path)}: must be at most ${issue.maximum}${got}`];
    case 'invalid_format':
      if (issue.message.startsWith('must')) return [`${dottedPath(path)}: ${issue.message}${got}`];
      return [
        `${dottedPath(path)}: must be ${issue.format === 'url' ? 'a URL such as http://127.0.0.1:8790' : `a valid ${issue.format}`}${got}`,
      ];
    default:
      return [`${dottedPath(path)}: ${issue.message}${issue.code === 'custom' ? '' : got}`];
  }
}

/**
 * One line per problem, `dotted.key: what to fix (got …)`; `origins` maps a dotted path to
 * the environment variable that set it, named at the end as `[from AO_…]`.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], origins: ReadonlyMap<string, string>): string[] {
  return issues.flatMap((issue) =>
    describeIssue(issue, []).map((line) => {
      const key = line.slice(0, line.indexOf(':'));
      const origin = [...origins.entries()].find(
        ([p]) => key === p || key.startsWith(`${p}.`) || key.startsWith(`${p}[`),
      );
      return origin ? `${line} [from ${origin[1]}]` : line;
    }),
  );
}
