/** auth: the OAuth device flow for one Allegro account; the token goes to the file store, never to the screen. */
import { authorizeDevice, formatUserCode } from '../../activities/allegro/oauth';
import { EXIT, TOOL, type CommandSpec } from '../command';

export const auth: CommandSpec = {
  name: 'auth',
  summary: 'authorise the Allegro account (OAuth device flow) and store its token',
  usage: '',
  description: [
    'Asks Allegro for a device code, shows the address to open and the code to confirm there (logged in as the seller), ' +
      'then waits until the seller confirmed. The token pair is saved to allegro.tokenStoreDir/<account>.json, readable by ' +
      'the owner only (0600); tokens are never printed. Afterwards the worker refreshes the token by itself (one refresh at ' +
      'a time: Allegro refresh tokens work once).',
    'Run it again when Allegro stops accepting the token (password change, "log out everywhere", 3 months unused). Ctrl-C stops waiting.',
  ],
  options: {},
  exitCodes: {
    0: 'authorised, token stored',
    1: 'the seller refused, the code expired, or Allegro refused the app credentials',
  },
  async run(ctx) {
    const account = ctx.account();
    const store = ctx.tokenStore();
    const { stdout } = ctx.io;
    let dots = false;
    const token = await authorizeDevice(ctx.allegro().oauth, {
      account,
      store,
      signal: ctx.io.signal,
      onPrompt: (device) => {
        ctx.out(`Authorise the Allegro account "${account}" (${ctx.settings().allegro.environment}):`);
        ctx.out(`  1. open   ${device.verificationUriComplete ?? device.verificationUri}`);
        ctx.out(`  2. log in as the seller and confirm the code  ${formatUserCode(device.userCode)}`);
        ctx.out(`Waiting for the confirmation (the code works until ${device.expiresAt.toISOString()}; Ctrl-C stops)…`);
      },
      onPending: () => {
        if (!stdout.isTTY) return;
        stdout.write('.');
        dots = true;
      },
    });
    if (dots) ctx.out();
    ctx.out(
      `Authorised. Token stored in ${store.fileOf(account)} (owner-only), access valid until ${token.expiresAt}.`,
    );
    ctx.out(`Next: ${TOOL} check`);
    return EXIT.ok;
  },
};
