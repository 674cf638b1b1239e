/**
 * The commands the README tells people to type exist, with the options it uses: every
 * `npm run cli -- <command> …` against the CLI's command table, every `npm start -- …`
 * against the demo's options. A renamed command or option fails here, not in a runbook.
 */
import { GLOBAL_OPTIONS } from '../../starter/command';
import { COMMANDS } from '../../starter/commands';
import { DemoUsageError, parseDemoArgs } from '../../starter/demo/options';
import { readme } from './readme';

/** Each command line of the README after `prefix`, cut at `#` comments, `&&` and table pipes. */
function invocations(text: string, prefix: string): string[][] {
  const found: string[][] = [];
  for (const match of text.matchAll(
    new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\n\`|#&]*)`, 'g'),
  )) {
    found.push(match[1].trim().split(/\s+/).filter(Boolean));
  }
  return found;
}

const text = readme();
const cliLines = invocations(text, 'npm run cli -- ');
const demoLines = invocations(text, 'npm start -- ');

describe('README commands', () => {
  test('the README shows CLI commands and demo options at all', () => {
    expect(cliLines.length).toBeGreaterThan(10);
    expect(demoLines.length).toBeGreaterThan(0);
  });

  test.each(cliLines.map((words) => [words.join(' '), words]))(
    'npm run cli -- %s: the command and its options exist',
    (_line, words) => {
      const [name, ...rest] = words;
      if (name === '<command>') return; // the generic form
      const command = COMMANDS.find((c) => c.name === name);
      expect({ name, known: command !== undefined }).toEqual({ name, known: true });
      const options = new Set([...Object.keys(command?.options ?? {}), ...Object.keys(GLOBAL_OPTIONS)]);
      for (const word of rest.filter((w) => w.startsWith('--'))) {
        expect({ command: name, option: word, known: options.has(word.slice(2)) }).toEqual({
          command: name,
          option: word,
          known: true,
        });
      }
    },
  );

  test.each(demoLines.map((words) => [words.join(' '), words]))(
    'npm start -- %s: the demo accepts it',
    (_line, words) => {
      // Placeholders stand for a value of the right kind.
      const args = words.map((w) => (/^[A-Z]+$/.test(w) ? '1' : w)).filter((w) => !w.startsWith('`'));
      expect(() => parseDemoArgs(args)).not.toThrow(DemoUsageError);
    },
  );
});
