/**
 * Walks the settings' zod schema into one description per key (dotted path, `[]` for list
 * items): what kind of value it takes, the allowed values of enums, whether it is required,
 * and its default. Branches of a union (optima.kind embedded | mssql) are merged.
 */
import type { z } from 'zod';
import { SettingsSchema } from '../../config/settings';

export type Kind = 'map' | 'list' | 'text' | 'integer' | 'number' | 'boolean';

export interface KeyFacts {
  path: string;
  kinds: Set<Kind>;
  /** Values of an enum or literal (of the key itself or of its list items). */
  values: Set<string>;
  /** Required in at least one branch: no default and not optional. */
  required: boolean;
  /** The output default, when the schema has one (`.default(…)`). */
  defaultValue?: unknown;
  /** `.prefault({})`: an optional map whose own keys bring the defaults. */
  prefault: boolean;
}

type AnySchema = z.core.$ZodType;
interface Def {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  options?: AnySchema[];
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  entries?: Record<string, string | number>;
  values?: unknown[];
  format?: string;
  defaultValue?: unknown;
}
const defOf = (schema: AnySchema): Def => schema._zod.def;

export function settingsKeys(): Map<string, KeyFacts> {
  const keys = new Map<string, KeyFacts>();

  const facts = (path: string): KeyFacts => {
    let found = keys.get(path);
    if (!found) {
      found = { path, kinds: new Set(), values: new Set(), required: false, prefault: false };
      keys.set(path, found);
    }
    return found;
  };

  /** Describes `schema` as the value of `path`; `wrapped` tracks optional/default seen so far. */
  const visit = (schema: AnySchema, path: string, target: KeyFacts, wrapped: { optional: boolean }): void => {
    const def = defOf(schema);
    switch (def.type) {
      case 'optional':
        return visit(def.innerType as AnySchema, path, target, { optional: true });
      case 'nullable':
        return visit(def.innerType as AnySchema, path, target, wrapped);
      case 'default':
        target.defaultValue = def.defaultValue;
        return visit(def.innerType as AnySchema, path, target, { optional: true });
      case 'prefault':
        target.prefault = true;
        return visit(def.innerType as AnySchema, path, target, { optional: true });
      case 'pipe':
        return visit(def.in as AnySchema, path, target, wrapped);
      case 'union':
        for (const option of def.options ?? []) visit(option, path, target, wrapped);
        return;
      default:
        break;
    }
    if (!wrapped.optional) target.required = true;
    switch (def.type) {
      case 'object':
        target.kinds.add('map');
        for (const [key, child] of Object.entries(def.shape ?? {})) {
          const childPath = path ? `${path}.${key}` : key;
          visit(child, childPath, facts(childPath), { optional: false });
        }
        return;
      case 'array': {
        target.kinds.add('list');
        const element = def.element as AnySchema;
        const elementFacts: KeyFacts = {
          path: `${path}[]`,
          kinds: new Set(),
          values: new Set(),
          required: false,
          prefault: false,
        };
        visit(element, `${path}[]`, elementFacts, { optional: false });
        // A list of enum values documents them on the list's own key.
        for (const value of elementFacts.values) target.values.add(value);
        // A list of maps: its item keys are keys of their own, `path[].key`.
        if (elementFacts.kinds.has('map')) keys.delete(`${path}[]`);
        return;
      }
      case 'string':
        target.kinds.add('text');
        return;
      case 'number':
        target.kinds.add(def.format === 'safeint' || def.format === 'int32' ? 'integer' : 'number');
        return;
      case 'boolean':
        target.kinds.add('boolean');
        return;
      case 'enum':
        target.kinds.add('text');
        for (const value of Object.values(def.entries ?? {})) target.values.add(String(value));
        return;
      case 'literal':
        target.kinds.add('text');
        for (const value of def.values ?? []) target.values.add(String(value));
        return;
      default:
        throw new Error(`settings key ${path}: schema type "${def.type}" is not described by this walker; teach it`);
    }
  };

  const root: KeyFacts = { path: '', kinds: new Set(), values: new Set(), required: true, prefault: false };
  visit(SettingsSchema, '', root, { optional: false });
  return keys;
}
