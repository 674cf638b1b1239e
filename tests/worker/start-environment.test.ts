/**
 * startWorker tells the workflow threads whether to collect stack traces and whether to guard
 * against deadlocks through the environment; settings re-read with that environment (every
 * `retry` after a fix) must still load: AO_… variables are settings overrides, so neither
 * variable may be one.
 */
import { loadSettings } from '../../config/settings';
import { DEMO_FALLBACK } from '../../dev/demo-settings';
import { WORKFLOW_DEADLOCK_GUARD_ENV, WORKFLOW_STACK_TRACES_ENV } from '../../worker/start';

test("the worker's stack-trace and deadlock-guard variables are not read as settings overrides", () => {
  const env = { [WORKFLOW_STACK_TRACES_ENV]: 'off', [WORKFLOW_DEADLOCK_GUARD_ENV]: 'off' };
  expect(() => loadSettings({ env, fallback: DEMO_FALLBACK })).not.toThrow();
  // The same value under the settings' prefix is refused, which is what a reload hit before.
  expect(() => loadSettings({ env: { AO_WORKFLOW_STACK_TRACES: 'off' }, fallback: DEMO_FALLBACK })).toThrow(
    /workflowStackTraces: unknown key/,
  );
});
