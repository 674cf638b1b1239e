/**
 * Runs a worker process's TypeScript entry as one compiled JS file:
 * `node <flags> scripts/compiled-worker.cjs starter/worker.ts [its arguments]`.
 *
 * Through tsx, a worker start spent ~1 s of CPU on tsx's hooks and on resolving and
 * transforming each of our modules; a worker restarted in a burst takes that CPU from the
 * server. Compiled (esbuild, packages left to Node), a start takes 2.2-2.6 s of CPU, not
 * 3.0-3.5 s, and is running ~0.6 s sooner (bench/README.md).
 *
 * The compiled file (build/, made by `npm run build` too) is used only while it matches its
 * sources: a digest of every file it was compiled from, this one and package-lock.json. A stale
 * or missing one is compiled again (~0.5 s), so a worker never runs code older than its sources.
 */
'use strict';
// CommonJS, as the rest of the project: Jest and tsx load it as they load the TypeScript.
const fs = require('node:fs');
const path = require('node:path');
const { sourcesDigest, writeWhole } = require('../worker/built-files.cjs');

const ROOT = path.resolve(__dirname, '..');
const BUILD = path.join(ROOT, 'build');
const EXTRA_INPUTS = ['package-lock.json', path.relative(ROOT, __filename)];

/** The compiled file for a TypeScript entry (relative to the root): build/worker-<entry>.cjs. */
function compiledPath(entry) {
  const name = path.relative(ROOT, path.resolve(ROOT, entry)).replace(/\.ts$/, '').replace(/[\\/]/g, '-');
  return path.join(BUILD, `worker-${name}.cjs`);
}

const digestOf = (inputs) => sourcesDigest(ROOT, [...inputs, ...EXTRA_INPUTS]);

function isFresh(out) {
  try {
    const { inputs, digest } = JSON.parse(fs.readFileSync(`${out}.inputs.json`, 'utf8'));
    return fs.existsSync(out) && digestOf(inputs) === digest;
  } catch {
    return false;
  }
}

/**
 * A module's own `__dirname` (it finds files beside it: the Optima column model, the workflow
 * bundle). In one compiled file every module would otherwise get build/'s.
 */
const ownDirname = {
  name: 'own-dirname',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      const dir = JSON.stringify(path.relative(BUILD, path.dirname(args.path)).split(path.sep).join('/'));
      const contents = source.includes('__dirname')
        ? source.replace(/\b__dirname\b/g, `require('node:path').join(__dirname, ${dir})`)
        : source;
      return { contents, loader: 'ts' };
    });
  },
};

/** Compiles `entry` unless its compiled file is fresh; returns the compiled file. */
async function compileWorker(entry) {
  const out = compiledPath(entry);
  if (isFresh(out)) return out;
  const { build } = require('esbuild');
  const result = await build({
    entryPoints: [path.resolve(ROOT, entry)],
    outfile: out,
    write: false,
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    // No source map: reading it cost each start ~0.25 s of CPU. A stack trace names lines of the
    // compiled file, readable JS whose sections each begin with their source file's name.
    metafile: true,
    logLevel: 'warning',
    plugins: [ownDirname],
  });
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/'));
  fs.mkdirSync(BUILD, { recursive: true });
  for (const file of result.outputFiles) writeWhole(file.path, file.contents);
  // The record last: a start never pairs a fresh record with an old compiled file.
  writeWhole(`${out}.inputs.json`, JSON.stringify({ inputs, digest: digestOf(inputs) }));
  return out;
}

module.exports = { compiledPath, compileWorker };

if (require.main === module) {
  const entry = process.argv[2];
  if (!entry) {
    process.stderr.write('usage: node scripts/compiled-worker.cjs <entry.ts> [arguments]\n');
    process.exit(2);
  }
  compileWorker(entry).then(
    (out) => {
      // The entry sees its own arguments, as if Node had run it directly.
      process.argv.splice(1, 2, path.resolve(ROOT, entry));
      require(out);
    },
    (error) => {
      process.stderr.write(`could not compile ${entry}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
