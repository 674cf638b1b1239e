/**
 * The workflow bundle made at build time is used only while it matches its sources: a change
 * to any workflow or domain file makes the next start bundle again (never old workflow code).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildWorkflowBundle, workflowBundleForStart, workflowSourcesDigest } from '../../worker/workflow-bundle';

// Under the repo, so that webpack finds @temporalio/workflow in its node_modules.
const root = path.resolve(__dirname, '../../test-artifacts/workflow-bundle-root');

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

function workflowReturning(value: string): string {
  return `export async function hello(): Promise<string> {\n  return ${JSON.stringify(value)};\n}\n`;
}

beforeEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
  write('workflows/index.ts', "export * from './hello';\n");
  write('workflows/hello.ts', workflowReturning('first'));
  write('domain/rule.ts', 'export const rule = 1;\n');
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('the digest changes with any workflow, domain or activities source, not with other files', () => {
  const first = workflowSourcesDigest(root);
  write('README.md', 'not a source');
  expect(workflowSourcesDigest(root)).toBe(first);
  write('domain/rule.ts', 'export const rule = 2;\n');
  const second = workflowSourcesDigest(root);
  expect(second).not.toBe(first);
  write('activities/types.ts', 'export type A = 1;\n');
  expect(workflowSourcesDigest(root)).not.toBe(second);
});

test('a start uses the built bundle while it matches, and bundles again once a workflow changed', async () => {
  const built = await buildWorkflowBundle(root);
  expect(fs.readFileSync(built.file, 'utf8')).toContain('"first"');
  const stamp = fs.statSync(built.file).mtimeMs;

  expect(await workflowBundleForStart(root)).toEqual({ codePath: built.file });
  expect(fs.statSync(built.file).mtimeMs).toBe(stamp);

  write('workflows/hello.ts', workflowReturning('second'));
  expect(await workflowBundleForStart(root)).toEqual({ codePath: built.file });
  const code = fs.readFileSync(built.file, 'utf8');
  expect(code).toContain('"second"');
  expect(code).not.toContain('"first"');
}, 120_000);
