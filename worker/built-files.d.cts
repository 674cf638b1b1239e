/** Types of worker/built-files.cjs (plain JS: scripts/compiled-worker.cjs runs before any TypeScript loader). */
export function writeWhole(file: string, contents: string | Uint8Array): void;
export function sourcesDigest(root: string, files: readonly string[]): string;
