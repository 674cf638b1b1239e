import path from 'node:path';

/** The project's workflow entry point; global-setup bundles it once per run when it exists. */
export const WORKFLOWS_INDEX = path.resolve(__dirname, '../../workflows/index.ts');
