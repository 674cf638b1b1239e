/**
 * Child process for the cross-process refresh test: one "worker" holding a stale access
 * token asks for a refresh at a shared start time and prints the token it ends up with.
 */
import { AllegroTokenManager, FileTokenStore } from '../../activities/allegro/token-store';

async function main(): Promise<void> {
  const { URL: url, DIR: dir, STALE: stale, START_AT: startAt } = process.env;
  if (!url || !dir || !stale || !startAt) throw new Error('URL, DIR, STALE and START_AT are required');
  const manager = new AllegroTokenManager({
    account: 'shop',
    store: new FileTokenStore({ dir, lockPollMs: 20 }),
    oauth: { authUrl: url, clientId: 'test-client-id', clientSecret: 'test-client-secret' },
  });
  await manager.getAccessToken(); // load (and cache) the stale pair like a running worker
  await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
  process.stdout.write(await manager.refresh(stale));
}

main().catch((error: unknown) => {
  process.stderr.write(String(error));
  process.exitCode = 1;
});
