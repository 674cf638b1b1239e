import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_KEY_FILE, demoDataConverter, startDemoCodec } from '../../starter/demo/codec';

describe("the demo's payload encryption", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-codec-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the first start makes an owner-only key in the data folder; a restart reuses it', async () => {
    const dataDir = path.join(dir, '.data');
    const first = await startDemoCodec({ dataDir, env: {}, uiPort: 8233 });
    await first.server.close();
    const file = path.join(dataDir, DEMO_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(file, 'utf8');
    expect(key).toMatch(/^demo:[A-Za-z0-9+/=]{44}\n$/);

    const payload = await first.dataConverter.payloadCodecs![0].encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"buyer@example.com"') },
    ]);
    const again = await startDemoCodec({ dataDir, env: {}, uiPort: 8233 });
    await again.server.close();
    expect(fs.readFileSync(file, 'utf8')).toBe(key);
    const [decoded] = await again.dataConverter.payloadCodecs![0].decode(payload);
    expect(Buffer.from(decoded.data!).toString()).toBe('"buyer@example.com"');
    // The CLI beside the demo (cwd = the folder holding .data/) finds the same key.
    const [viaCli] = await demoDataConverter(dir)!.payloadCodecs![0].decode(payload);
    expect(Buffer.from(viaCli.data!).toString()).toBe('"buyer@example.com"');
  });

  test('keys named in the environment win over the data folder, which is then left alone', async () => {
    const dataDir = path.join(dir, '.data');
    const codec = await startDemoCodec({ dataDir, env: { AO_CODEC_KEYS: process.env.AO_CODEC_KEYS }, uiPort: 8233 });
    await codec.server.close();
    expect(codec.source).toContain('AO_CODEC_KEYS');
    expect(fs.existsSync(path.join(dataDir, DEMO_KEY_FILE))).toBe(false);
  });
});
