/**
 * TypeScript for the main thread only (`node --import ./scripts/main-thread-tsx.mjs x.ts`).
 * With `--import tsx` every thread gets tsx's hooks, the SDK's workflow threads too (they
 * inherit the flags, and run only the SDK's JS and the prebuilt workflow bundle): each then
 * loaded its modules through tsx, most of a worker's start.
 */
import { isMainThread } from 'node:worker_threads';

if (isMainThread) await import('tsx');
