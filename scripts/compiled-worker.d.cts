/** Types of scripts/compiled-worker.cjs (plain JS: it runs before any TypeScript loader). */
export function compiledPath(entry: string): string;
export function compileWorker(entry: string): Promise<string>;
