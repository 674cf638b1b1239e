/** The admin over HTTP, for a simulator in another process: POST /__admin/<method>. */
import type { Answer } from '../answers';
import type { FaultSpec, SimulatorAdmin } from '../api';

export const ADMIN_PREFIX = '/__admin/';

/** `{"args": [...]}` → `{"result": ...}`; errors → 400 `{"error"}`. */
export function adminOverHttp(admin: SimulatorAdmin, name: string, body: string): Answer {
  const fn = (admin as unknown as Record<string, unknown>)[name];
  if (!Object.prototype.hasOwnProperty.call(admin, name) || typeof fn !== 'function')
    return { status: 404, body: { error: `no admin method ${name}` } };
  try {
    const args = body.trim() === '' ? [] : ((JSON.parse(body) as { args?: unknown[] }).args ?? []);
    if (name === 'setFault' && typeof args[0] === 'object' && args[0] !== null) {
      // JSON has no RegExp: `pathRegex` carries the pattern; "Infinity" survives as a string.
      const f = args[0] as FaultSpec & { pathRegex?: string; times?: number | string };
      const { pathRegex, ...rest } = f;
      args[0] = {
        ...rest,
        path: pathRegex !== undefined ? new RegExp(pathRegex) : f.path,
        times: f.times === undefined ? undefined : Number(f.times),
      };
    }
    const result = (fn as (...a: unknown[]) => unknown)(...args);
    return { status: 200, body: { result: result ?? null } };
  } catch (e) {
    return { status: 400, body: { error: (e as Error).message } };
  }
}
