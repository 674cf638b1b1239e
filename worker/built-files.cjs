/**
 * Files built for workers (the workflow bundle, the compiled worker entries): each written whole,
 * with a digest of the sources it was built from, so a start can tell whether it is stale.
 * Plain CommonJS: scripts/compiled-worker.cjs uses it before any TypeScript loader runs.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** Replaced whole (rename): workers starting together never read a half-written file. */
function writeWhole(file, contents) {
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, contents);
  fs.renameSync(partial, file);
}

/** A digest of `files` (relative to `root`), names and contents: any change, a missing file too, changes it. */
function sourcesDigest(root, files) {
  const hash = crypto.createHash('sha256');
  for (const file of [...files].sort()) {
    const absolute = path.join(root, file);
    hash
      .update(file)
      .update('\0')
      .update(fs.existsSync(absolute) ? fs.readFileSync(absolute) : '(missing)');
  }
  return hash.digest('hex');
}

module.exports = { writeWhole, sourcesDigest };
