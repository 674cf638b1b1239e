/**
 * The README's settings reference is checked against the zod schema (config/settings.ts), so
 * it cannot drift: every key of the schema has a row, no row names a key the schema lacks,
 * and each row's type and default say what the schema says.
 */
import { settingsKeyPaths } from '../../config/settings';
import { codeSpans, readme, section, tableRows } from './readme';
import { settingsKeys, type KeyFacts, type Kind } from './schema-keys';

const SECTION = 'Settings reference';

interface Row {
  key: string;
  type: string;
  defaultCell: string;
  meaning: string;
}

function referenceRows(): Row[] {
  return tableRows(section(readme(), SECTION)).map((cells) => {
    if (cells.length !== 4)
      throw new Error(
        `settings reference row must have 4 cells (key, type, default, meaning): | ${cells.join(' | ')} |`,
      );
    const [keyCell, type, defaultCell, meaning] = cells;
    const spans = codeSpans(keyCell);
    if (spans.length !== 1) throw new Error(`settings reference row must name one key in backticks: ${keyCell}`);
    return { key: spans[0], type, defaultCell, meaning };
  });
}

/** What a default looks like in the README: `value`, lists item by item, maps as `key: value`. */
function defaultPieces(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value !== null && typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k}: ${String(v)}`);
  return [String(value)];
}

const KIND_WORDS: Record<Kind, string> = {
  map: 'map',
  list: 'list',
  text: 'text',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
};

const schemaKeys = settingsKeys();
const rows = referenceRows();
const rowByKey = new Map(rows.map((row) => [row.key, row]));

describe('README settings reference', () => {
  test('the schema walk finds the same keys as config/settings.ts settingsKeyPaths()', () => {
    expect([...schemaKeys.keys()].sort()).toEqual([...settingsKeyPaths()].sort());
  });

  test('documents every settings key of the schema', () => {
    const missing = [...schemaKeys.keys()].filter((key) => !rowByKey.has(key));
    expect(missing).toEqual([]);
  });

  test('documents no key the schema does not have (no stale rows) and none twice', () => {
    const stale = rows.map((row) => row.key).filter((key) => !schemaKeys.has(key));
    expect(stale).toEqual([]);
    const twice = rows.map((row) => row.key).filter((key, i, all) => all.indexOf(key) !== i);
    expect(twice).toEqual([]);
  });

  test.each([...schemaKeys.values()].map((facts): [string, KeyFacts] => [facts.path, facts]))(
    '%s: type, allowed values and default match the schema',
    (key, facts) => {
      const row = rowByKey.get(key);
      if (!row) throw new Error(`${key} is not documented (see the test above)`);
      for (const kind of facts.kinds)
        expect({ key, type: row.type }).toEqual({ key, type: expect.stringContaining(KIND_WORDS[kind]) });
      const typeValues = codeSpans(row.type);
      for (const value of facts.values)
        expect({ key, values: typeValues }).toEqual({ key, values: expect.arrayContaining([value]) });

      const defaultText = codeSpans(row.defaultCell).join(' ');
      if (facts.defaultValue !== undefined) {
        for (const piece of defaultPieces(facts.defaultValue)) {
          expect({ key, default: defaultText }).toEqual({ key, default: expect.stringContaining(piece) });
        }
      } else if (facts.required) {
        expect({ key, default: row.defaultCell }).toEqual({ key, default: expect.stringMatching(/^required/) });
      } else {
        // Optional without a default: absent means "not used" (or, for maps, their keys' defaults).
        expect({ key, default: row.defaultCell }).toEqual({ key, default: expect.stringMatching(/^—/) });
      }
      expect(row.meaning.length).toBeGreaterThan(10);
    },
  );
});
