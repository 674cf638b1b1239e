/** `import-offers`: offers become product cards and their stock one draft receipt; a second run creates nothing. */
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { offerLinkKey } from '../../domain/products';
import { DEMO_OFFERS } from '../../dev/catalogue';
import { openEmbeddedOptima } from '../../dev/embedded-optima';
import { cli } from './io';
import { createWorld, type World } from './world';

let world: World;
beforeAll(async () => {
  world = await createWorld('cli-offers');
});
afterAll(() => world?.close());

/** Documents the command wrote, read straight from the embedded Optima's tables. */
function receipts(): { number: string; lines: number }[] {
  const optima = openEmbeddedOptima({ file: world.optimaFile, seed: false });
  try {
    return optima.company
      .prepare(
        `SELECT n.TrN_NumerPelny AS number, (SELECT COUNT(*) FROM CDN.TraElem e WHERE e.TrE_TrNId = n.TrN_TrNID) AS lines
           FROM CDN.TraNag n WHERE n.TrN_NumerObcy LIKE ?`,
      )
      .all(`offers:${world.account}:%`) as { number: string; lines: number }[];
  } finally {
    optima.close();
  }
}

test('first run: every offer gets its card, new cards get their stock in one receipt', async () => {
  const { code, stdout, stderr } = await world.run(['import-offers']);
  expect(stderr).toBe('');
  expect(stdout).toContain(`Importing ${DEMO_OFFERS.length} offer(s)`);
  // Not a terminal: one plain line per offer, no control codes.
  expect(stdout).toMatch(new RegExp(`^offers +1/${DEMO_OFFERS.length} `, 'm'));
  expect(stdout).not.toContain('\r');

  const absent = DEMO_OFFERS.filter((o) => o.optimaMatch === 'absent');
  const known = DEMO_OFFERS.filter((o) => o.optimaMatch !== 'absent');
  expect(stdout).toContain(
    `Cards: ${absent.length} created, ${known.length} existing linked, 0 already linked, 0 failed.`,
  );
  for (const offer of absent) {
    const card = await world.gateway.findProductByLink(offerLinkKey(world.account, offer.offerId));
    expect(card).toMatchObject({ code: offer.offerId, name: offer.name });
  }
  for (const offer of known) {
    const card = await world.gateway.findProductByLink(offerLinkKey(world.account, offer.offerId));
    expect(card?.code).toBe(offer.optimaCode);
  }

  const written = receipts();
  expect(written).toHaveLength(1);
  expect(written[0].lines).toBe(absent.filter((o) => o.stock > 0).length);
  expect(stdout).toContain(`Stock receipt ${written[0].number}:`);
  expect(code).toBe(0);
});

test('second run (on a terminal): nothing new, the same receipt', async () => {
  const { code, stdout } = await world.run(['import-offers'], { tty: true });
  expect(stdout).toContain(`Cards: 0 created, 0 existing linked, ${DEMO_OFFERS.length} already linked, 0 failed.`);
  expect(stdout).toContain('already exists for today');
  // The progress bar redraws in place.
  expect(stdout).toContain('\r');
  expect(stdout).toContain('█');
  expect(receipts()).toHaveLength(1);
  expect(code).toBe(0);
});

test('--limit takes the first N offers; --without-stock writes no receipt', async () => {
  const { code, stdout } = await world.run(['import-offers', '--limit', '3', '--without-stock']);
  expect(stdout).toContain('Importing 3 offer(s)');
  expect(stdout).not.toContain('Stock receipt');
  expect(code).toBe(0);
});

test('the saved link is not used when import.productMatchOrder does not list it', async () => {
  // Every offer is linked by now; without `link` in the order each card is found by the other rules.
  const settings = parse(fs.readFileSync(world.settingsFile, 'utf8')) as { import: Record<string, unknown> };
  settings.import.productMatchOrder = ['ean', 'externalId', 'offerId', 'name'];
  const file = path.join(world.dir, 'settings-without-link.yaml');
  fs.writeFileSync(file, stringify(settings));

  const { code, stdout } = await cli(['--settings', file, 'import-offers', '--without-stock'], { cwd: world.dir });
  expect(stdout).toContain(`Cards: 0 created, ${DEMO_OFFERS.length} existing linked, 0 already linked, 0 failed.`);
  expect(stdout).not.toContain('already linked)');
  expect(code).toBe(0);
});
