/**
 * The Temporal Web UI, checked in a real (headless) Chromium: an order imported by the real
 * worker, activities and stand-ins is found in the UI by its search attributes, and its
 * history shows the steps of the journey. A screenshot is kept in test-artifacts/.
 *
 * Why this test starts its own dev server: the jest run's shared server (global-setup.ts) is
 * headless, it has no Web UI to open. This one listens on free ports, keeps everything in
 * memory and is stopped at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { chromium, type Browser, type Page } from 'playwright-core';
import { MemoryTokenStore } from '../../activities/allegro/token-store';
import { loadSettings, toImportPolicy } from '../../config/settings';
import { EncryptionCodec } from '../../encryption/codec';
import { startCodecServer, type RunningCodecServer } from '../../encryption/codec-server';
import { codecKeysFromEnvironment } from '../../encryption/keys';
import { startAllegroSimulator, type AllegroSimulator } from '../../dev/allegro-simulator';
import { DEMO_OFFERS } from '../../dev/catalogue';
import { DEMO_FALLBACK } from '../../dev/demo-settings';
import { embeddedOptimaDrivers } from '../../dev/embedded-optima/drivers';
import { freePort, startDevServer, type DevServer } from '../../scripts/dev-server';
import { startWorker, type RunningWorker } from '../../worker/start';
import { wireWorker, type WorkerWiring } from '../../worker/wiring';
import { orderWorkflowId, type ImportOrderInput, type ImportOrderResult } from '../../workflows/definitions';
import { completedActivityTypes, uniqueName } from '../harness/temporal';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = path.resolve(__dirname, '../../test-artifacts/web-ui-order-history.png');
/** The journey's steps as activity types (workflows/order-steps.ts). */
const JOURNEY = ['fetchOrder', 'matchProducts', 'matchContractor', 'createDocument', 'recordLink'];
const USER_AGENT = 'allegro-optima-tests/0.1 (+https://github.com/allegro-optima/allegro-optima)';
const ACCOUNT = 'web-ui';

/** Warnings only, less the expected "not polling" ones of workers that serve one kind of task. */
function installQuietRuntime(): void {
  try {
    const logger = new DefaultLogger('WARN', ({ level, message }) => {
      if (!/not polling/.test(message)) process.stderr.write(`[${level}] ${message}\n`);
    });
    Runtime.install({ logger });
  } catch {
    // Installed already in this jest worker.
  }
}

const haveChromium = fs.existsSync(CHROMIUM);
const describeWithChromium = haveChromium ? describe : describe.skip;

describeWithChromium(
  haveChromium ? 'Temporal Web UI in Chromium' : `Temporal Web UI in Chromium (skipped: ${CHROMIUM} is not installed)`,
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-ui-'));
    let server: DevServer | undefined;
    let simulator: AllegroSimulator | undefined;
    let wiring: WorkerWiring | undefined;
    let worker: RunningWorker | undefined;
    let clientConnection: Connection | undefined;
    let browser: Browser | undefined;
    let codecServer: RunningCodecServer | undefined;

    afterAll(async () => {
      await browser?.close();
      await worker?.shutdown();
      await wiring?.close();
      await clientConnection?.close();
      await simulator?.close();
      await server?.stop();
      await codecServer?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('an imported order is found by its search attributes and its history shows the journey', async () => {
      // The Web UI decodes the encrypted payloads through the codec server (the same keys as the worker).
      const keys = codecKeysFromEnvironment(process.env);
      if (!keys) throw new Error('the test run has no AO_CODEC_KEYS (tests/harness/global-setup.ts sets one)');
      const uiPort = await freePort();
      codecServer = await startCodecServer({
        codec: new EncryptionCodec(keys),
        corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
      });
      server = await startDevServer({
        port: 0,
        uiPort,
        uiCodecEndpoint: codecServer.url,
        locate: { log: () => undefined },
      });
      const uiUrl = server.uiUrl as string;
      simulator = await startAllegroSimulator({ seed: 7, port: 0 });

      const env = {
        AO_TEMPORAL__ADDRESS: server.address,
        AO_TEMPORAL__TASK_QUEUE: uniqueName('web-ui'),
        AO_ALLEGRO__CLIENT_ID: simulator.clientId,
        AO_ALLEGRO__CLIENT_SECRET: simulator.clientSecret,
        AO_ALLEGRO__SIMULATOR_URL: simulator.url,
        AO_ALLEGRO__USER_AGENT: USER_AGENT,
        AO_ALLEGRO__ACCOUNTS__0__NAME: ACCOUNT,
        AO_ALLEGRO__TOKEN_STORE_DIR: path.join(dir, 'tokens'),
        AO_OPTIMA__FILE: path.join(dir, 'optima.sqlite'),
      };
      const settings = loadSettings({ env, fallback: DEMO_FALLBACK });
      const { accessToken, refreshToken } = simulator.admin.issueTokens();
      const tokens = new MemoryTokenStore({
        [ACCOUNT]: {
          accessToken,
          refreshToken,
          expiresAt: new Date(Date.now() + 3600_000).toISOString(),
          obtainedAt: new Date().toISOString(),
        },
      });
      installQuietRuntime();
      wiring = await wireWorker(settings, { tokenStore: tokens, optimaDrivers: embeddedOptimaDrivers });
      worker = await startWorker({
        connection: wiring.connection,
        namespace: server.namespace,
        taskQueue: settings.temporal.taskQueue,
        activities: wiring.activities,
        ...(process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE
          ? { workflowBundle: { codePath: process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE } }
          : {}),
        ...(wiring.dataConverter ? { dataConverter: wiring.dataConverter } : {}),
      });

      // One paid allegro.pl order with two catalogue goods: a PLN document in the embedded Optima.
      const orderId = simulator.admin.addOrder({
        marketplace: 'allegro-pl',
        buyer: 'person',
        lines: [{ offerId: DEMO_OFFERS[0].offerId, quantity: 2 }, { offerId: DEMO_OFFERS[1].offerId }],
      });
      clientConnection = await Connection.connect({ address: server.address });
      const client = new Client({
        connection: clientConnection,
        namespace: server.namespace,
        ...(wiring.dataConverter ? { dataConverter: wiring.dataConverter } : {}),
      });
      const input: ImportOrderInput = { account: ACCOUNT, checkoutFormId: orderId, policy: toImportPolicy(settings) };
      const handle = await client.workflow.start('importOrder', {
        taskQueue: settings.temporal.taskQueue,
        workflowId: orderWorkflowId(ACCOUNT, orderId),
        args: [input],
      });
      const result = (await handle.result()) as ImportOrderResult;
      expect(result.status).toBe('Imported');
      const documentNumber = result.documentNumber as string;
      expect(documentNumber).toMatch(/^RO\//);
      expect(await completedActivityTypes(handle)).toEqual(expect.arrayContaining(JOURNEY));

      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
      const workflowsUrl = (query: string) =>
        `${uiUrl}/namespaces/${server?.namespace}/workflows?query=${encodeURIComponent(query)}`;

      // Found by the order id, and by the document number with the status (visibility may lag a moment).
      const historyLink = await findWorkflowLink(page, workflowsUrl(`AllegroOrderId="${orderId}"`), handle.workflowId);
      await findWorkflowLink(
        page,
        workflowsUrl(`OptimaDocumentNumber="${documentNumber}" AND OrderStatus="Imported"`),
        handle.workflowId,
      );

      await page.goto(historyLink);
      await page.getByText('Event History').first().waitFor({ timeout: 30_000 });
      for (const step of JOURNEY) await page.getByText(step, { exact: true }).first().waitFor({ timeout: 30_000 });
      const body = await page.innerText('body');
      expect(body).toContain(handle.workflowId);
      expect(body).toContain('Completed');
      expect(body).toContain(documentNumber);
      const shown = JOURNEY.filter((step) => body.includes(step));
      expect(shown).toEqual(JOURNEY);
      // The Web UI decoded the input through the codec server (the order id is in the input only as decoded JSON).
      expect(body).toContain(`"checkoutFormId": "${orderId}"`);
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
      expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);

      // Without the codec server the UI has nothing to decode with: input and result stay ciphertext.
      await codecServer.close();
      codecServer = undefined;
      await page.goto(historyLink);
      await page.getByText('Event History').first().waitFor({ timeout: 30_000 });
      const encryptedEncoding = Buffer.from('binary/encrypted').toString('base64');
      await page.getByText(encryptedEncoding).first().waitFor({ timeout: 30_000 });
      const ciphertext = await page.innerText('body');
      expect(ciphertext).not.toContain(`"checkoutFormId": "${orderId}"`);
      expect(ciphertext).not.toContain('"account": "web-ui"');
      process.stdout.write(`Web UI screenshot of ${handle.workflowId} (${documentNumber}): ${SCREENSHOT}\n`);
    }, 240_000);
  },
);

/** Opens the workflow list for `query` until the workflow's history link shows; returns its address. */
async function findWorkflowLink(page: Page, url: string, workflowId: string): Promise<string> {
  const link = page.locator(`a[href*="/workflows/${encodeURIComponent(workflowId)}/"]`).first();
  const deadline = Date.now() + 60_000;
  for (;;) {
    await page.goto(url);
    try {
      await link.waitFor({ timeout: 5_000 });
      const href = await link.getAttribute('href');
      return new URL(href as string, url).toString();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the Web UI did not list ${workflowId} for ${url}: ${String(error)}`);
    }
  }
}
