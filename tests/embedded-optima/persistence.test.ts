import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  attachDatabase,
  BUSY_TIMEOUT_MS,
  embeddedOptimaFiles,
  insertRow,
  openEmbeddedOptima,
} from '../../dev/embedded-optima';
import { sqliteDriver } from '../../dev/embedded-optima/driver';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedded-optima-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const count = (db: Database.Database, table: string) =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('file persistence', () => {
  test('four files; data written survives close and reopen; reopening does not reseed', () => {
    const file = join(dir, 'optima.db');
    const first = openEmbeddedOptima({ file });
    const goods = count(first.company, 'CDN.Towary');
    const id = insertRow(first.company, 'Kontrahenci', { Knt_Kod: 'PERSIST', Knt_Nazwa1: 'Zapisany' });
    first.company.prepare("DELETE FROM CDN.Magazyny WHERE Mag_Symbol = 'ALLEGRO'").run();
    first.close();
    first.close(); // closing twice is harmless

    for (const f of Object.values(embeddedOptimaFiles(file))) expect(existsSync(f)).toBe(true);

    const again = openEmbeddedOptima({ file });
    try {
      expect(again.files).toEqual(embeddedOptimaFiles(file));
      expect(again.company.prepare('SELECT Knt_Nazwa1 AS n FROM CDN.Kontrahenci WHERE Knt_KntId = ?').get(id)).toEqual({
        n: 'Zapisany',
      });
      expect(count(again.company, 'CDN.Towary')).toBe(goods);
      // Not new, so not reseeded: the deleted warehouse stays deleted.
      expect(count(again.company, "CDN.Magazyny WHERE Mag_Symbol = 'ALLEGRO'")).toBe(0);
      expect(count(again.config, "CDN.Operatorzy WHERE Ope_Kod = 'ADMIN'")).toBe(1);
    } finally {
      again.close();
    }

    const reseeded = openEmbeddedOptima({ file, seed: true });
    try {
      expect(count(reseeded.company, "CDN.Magazyny WHERE Mag_Symbol = 'ALLEGRO'")).toBe(1);
      expect(count(reseeded.company, 'CDN.Towary')).toBe(goods);
    } finally {
      reseeded.close();
    }
  });

  test('rollback journal and busy timeout on every attached file', () => {
    const optima = openEmbeddedOptima({ file: join(dir, 'j.db') });
    try {
      attachDatabase(optima.company, 'AO', join(dir, 'j.db.ao'));
      for (const schema of ['main', 'CDN', 'AO'])
        expect(optima.company.pragma(`${schema}.journal_mode`, { simple: true })).toBe('delete');
      expect(optima.config.pragma('CDN.journal_mode', { simple: true })).toBe('delete');
      expect(optima.company.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
      expect(() => attachDatabase(optima.company, 'AO', null)).toThrow(/already attached/);
      expect(() => attachDatabase(optima.company, 'AO; DROP', null)).toThrow(/not a schema name/);
    } finally {
      optima.close();
    }
  });

  test('commits wait for the disk unless fsync is false; the driver sets AO the same way', async () => {
    const levels = (db: Database.Database, schemas: string[]) =>
      schemas.map((schema) => db.pragma(`${schema}.synchronous`, { simple: true }));
    const safe = openEmbeddedOptima({ file: join(dir, 'safe.db') });
    try {
      expect(levels(safe.company, ['main', 'CDN'])).toEqual([2, 2]); // FULL
    } finally {
      safe.close();
    }
    const optima = openEmbeddedOptima({ file: join(dir, 'fast.db'), fsync: false });
    const driver = sqliteDriver(optima, { ownsOptima: true });
    try {
      expect(levels(optima.company, ['main', 'CDN', 'AO'])).toEqual([0, 0, 0]); // OFF
      expect(levels(optima.config, ['main', 'CDN'])).toEqual([0, 0]);
    } finally {
      await driver.close();
    }
  });

  test('one transaction over CDN and an attached AO commits both files or neither', () => {
    const file = join(dir, 'a.db');
    const optima = openEmbeddedOptima({ file });
    attachDatabase(optima.company, 'AO', `${file}.ao`);
    optima.company.exec('CREATE TABLE IF NOT EXISTS AO.Links (link_key TEXT PRIMARY KEY, knt_id INTEGER NOT NULL)');
    const write = optima.company.transaction((code: string, fail: boolean) => {
      const id = insertRow(optima.company, 'Kontrahenci', { Knt_Kod: code });
      optima.company.prepare('INSERT INTO AO.Links VALUES (?, ?)').run(`buyer:${code}`, id);
      if (fail) throw new Error('crash between the two writes');
    });
    write('KEPT', false);
    expect(() => write('LOST', true)).toThrow('crash');
    optima.close();

    const reader = new Database(file, { readonly: true });
    try {
      attachDatabase(reader, 'CDN', `${file}.cdn`);
      attachDatabase(reader, 'AO', `${file}.ao`);
      expect(count(reader, "CDN.Kontrahenci WHERE Knt_Kod IN ('KEPT', 'LOST')")).toBe(1);
      expect(reader.prepare('SELECT link_key AS k FROM AO.Links').all()).toEqual([{ k: 'buyer:KEPT' }]);
    } finally {
      reader.close();
    }
  });

  test("two connections to the same files see each other's commits", () => {
    const file = join(dir, 'c.db');
    const a = openEmbeddedOptima({ file });
    const b = openEmbeddedOptima({ file });
    try {
      insertRow(a.company, 'Kontrahenci', { Knt_Kod: 'SHARED' });
      expect(count(b.company, "CDN.Kontrahenci WHERE Knt_Kod = 'SHARED'")).toBe(1);
    } finally {
      a.close();
      b.close();
    }
  });

  test('in memory: nothing is written to disk and each instance is separate', () => {
    const a = openEmbeddedOptima();
    const b = openEmbeddedOptima();
    try {
      expect(a.files).toBeNull();
      insertRow(a.company, 'Kontrahenci', { Knt_Kod: 'ONLY-A' });
      expect(count(b.company, "CDN.Kontrahenci WHERE Knt_Kod = 'ONLY-A'")).toBe(0);
      expect(a.company.name).toBe(':memory:');
    } finally {
      a.close();
      b.close();
    }
  });
});
