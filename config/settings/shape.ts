/**
 * The shape of the settings, read from the schema's JSON Schema (zod's public
 * z.toJSONSchema): which keys exist where, and which take text or whole numbers. The
 * environment overlay, the messages and the key listing ask here instead of looking into
 * zod's internals.
 */
import { z } from 'zod';
import { SettingsSchema } from './schema';

/** A position in the settings: keys of maps, numbers for list positions. */
export type KeyPath = readonly (string | number)[];

/** The part of JSON Schema that z.toJSONSchema writes for this schema. */
interface JsonSchemaNode {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
}

let jsonSchema: JsonSchemaNode | undefined;
/** Made once: loading the settings again (e.g. after the file changed) reuses it. */
function root(): JsonSchemaNode {
  // The input side: what a file or a variable may hold (defaults make keys optional).
  jsonSchema ??= z.toJSONSchema(SettingsSchema, { io: 'input' }) as JsonSchemaNode;
  return jsonSchema;
}

/** The alternatives a node stands for: its union branches (optima: embedded | mssql), or itself. */
function branches(node: JsonSchemaNode): JsonSchemaNode[] {
  const options = [...(node.anyOf ?? []), ...(node.oneOf ?? [])];
  return options.length > 0 ? options.flatMap(branches) : [node];
}

const typesOf = (node: JsonSchemaNode): string[] =>
  Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];

/** Candidate schemas at a path (several through unions). */
function nodesAt(path: KeyPath): JsonSchemaNode[] {
  let current = [root()];
  for (const segment of path) {
    current = current.flatMap(branches).flatMap((node): JsonSchemaNode[] => {
      if (typeof segment === 'number') return node.items ? [node.items] : [];
      return node.properties && Object.hasOwn(node.properties, segment) ? [node.properties[segment]] : [];
    });
  }
  return current.flatMap(branches);
}

/** The keys a map at `path` allows (all branches of a union together). */
export function allowedKeysAt(path: KeyPath): string[] {
  return [...new Set(nodesAt(path).flatMap((node) => Object.keys(node.properties ?? {})))];
}

/** Text keys (strings, enums, string literals) take an override's value as it is. */
export function takesTextAt(path: KeyPath): boolean {
  return nodesAt(path).some((node) => typesOf(node).includes('string'));
}

/** z.int() keys: JSON Schema calls them integer. */
export function takesWholeNumberAt(path: KeyPath): boolean {
  return nodesAt(path).some((node) => typesOf(node).includes('integer'));
}

/** Every settings key as a dotted path, `[]` for list items (for docs and the example test). */
export function settingsKeyPaths(): string[] {
  const paths: string[] = [];
  const visit = (node: JsonSchemaNode, prefix: string) => {
    for (const branch of branches(node)) {
      for (const [key, child] of Object.entries(branch.properties ?? {})) {
        const path = prefix ? `${prefix}.${key}` : key;
        if (!paths.includes(path)) paths.push(path);
        visit(child, path);
      }
      if (branch.items) visit(branch.items, `${prefix}[]`);
    }
  };
  visit(root(), '');
  return paths;
}

/** `['allegro', 'accounts', 0, 'name']` → `allegro.accounts[0].name`, as messages name keys. */
export function dottedPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)),
    '',
  );
}
