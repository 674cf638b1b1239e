/**
 * The workflow code, bundled once at build time (`npm run build`, run by `npm install`) into
 * build/, so that a worker is ready in about a second instead of bundling for seconds at each
 * start. The bundle is used only while it matches the sources it was made from (a digest of
 * every file it could contain); a stale or missing one is bundled again at start and kept for
 * the next start, so a worker never runs workflow code older than its sources.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { sourcesDigest, writeWhole } from './built-files.cjs';

/** The project's root (tests pass a small one of their own). */
const ROOT = path.resolve(__dirname, '..');
const paths = (root: string) => {
  const bundle = path.join(root, 'build/workflow-bundle.js');
  return { workflows: path.join(root, 'workflows/index.ts'), bundle, digest: `${bundle}.sha256` };
};
/** Workflows import from these (workflows/, domain/, the activities' shared types) and packages. */
const SOURCE_DIRS = ['workflows', 'domain', 'activities'];
const SOURCE_FILES = ['package-lock.json'];

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  return entries.flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** A digest of every source the bundle may hold: any change makes the built bundle stale. */
export function workflowSourcesDigest(root = ROOT): string {
  const files = [
    ...SOURCE_DIRS.flatMap((dir) => filesUnder(path.join(root, dir))),
    ...SOURCE_FILES.map((file) => path.join(root, file)).filter((file) => fs.existsSync(file)),
  ];
  return sourcesDigest(
    root,
    files.map((file) => path.relative(root, file)),
  );
}

/** Bundles workflows/ into build/ with the digest of its sources. */
export async function buildWorkflowBundle(root = ROOT): Promise<{ file: string; bytes: number }> {
  const digest = workflowSourcesDigest(root);
  const files = paths(root);
  const { code } = await bundleWorkflowCode({ workflowsPath: files.workflows });
  fs.mkdirSync(path.dirname(files.bundle), { recursive: true });
  // The bundle first, its digest last: a start never pairs a fresh digest with an old bundle.
  // Each replaced whole (rename): workers starting together never read a half-written file.
  writeWhole(files.bundle, code);
  writeWhole(files.digest, digest);
  return { file: files.bundle, bytes: code.length };
}

/** The built bundle when it matches the sources; else bundled now and kept for the next start. */
export async function workflowBundleForStart(root = ROOT): Promise<WorkflowBundleOption> {
  const files = paths(root);
  const built = fs.existsSync(files.digest) && fs.existsSync(files.bundle);
  if (built && fs.readFileSync(files.digest, 'utf8') === workflowSourcesDigest(root)) return { codePath: files.bundle };
  try {
    const { file } = await buildWorkflowBundle(root);
    return { codePath: file };
  } catch (error) {
    // A read-only install still runs: bundled in memory. A bundling error is the real failure.
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    return { code: (await bundleWorkflowCode({ workflowsPath: files.workflows })).code };
  }
}
