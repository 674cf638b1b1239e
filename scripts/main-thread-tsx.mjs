/**
 * TypeScript for the main thread only (`node --import ./scripts/main-thread-tsx.mjs x.ts`).
 * With `--import tsx` every thread gets tsx's hooks, the SDK's workflow threads too (they
 * inherit the flags, and run only the SDK's JS and the prebuilt workflow bundle): each then
 * loaded the SDK through tsx, ~0.5 s of CPU more at every worker start (worker/start.ts).
 */
import { isMainThread } from 'node:worker_threads';

if (isMainThread) await import('tsx');
