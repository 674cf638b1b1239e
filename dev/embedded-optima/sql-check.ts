/**
 * A checker for the T-SQL the gateway sends to a real Optima: parses it as SQL Server
 * (datafusion sqlparser, dialect `mssql`) and lists every `CDN.<Table>` and every
 * Optima column (`TrN_…`, `Knt_…`: the prefix names the table) it mentions, reporting
 * those that optima-columns-2025.json does not have. The embedded Optima runs SQLite, so
 * tests use this to catch a misspelt column in SQL that only SQL Server would run.
 *
 * The parser is WebAssembly loaded by a dynamic import(), which Jest's module sandbox
 * refuses; it therefore runs in a worker thread and the calls wait for it synchronously
 * (Atomics.wait), so `parseTsql` stays a plain function everywhere.
 */
import type { Statement } from '@guanmingchiu/sqlparser-ts';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { findColumn, findTable, tableForPrefix } from './schema';

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const parser = require(workerData.library);
const done = new Int32Array(workerData.done);
const ready = parser.init();
workerData.port.on('message', async (sql) => {
  let reply;
  try {
    await ready;
    reply = { ok: true, ast: parser.parse(sql, 'mssql') };
  } catch (e) {
    reply = { ok: false, message: String((e && e.message) || e) };
  }
  workerData.port.postMessage(reply);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
`;

/** First use loads the WebAssembly module; generous, it is not a per-statement budget. */
const PARSE_WAIT_MS = 60_000;

interface ParserThread {
  worker: Worker;
  port: MessagePort;
  done: Int32Array;
}
let thread: ParserThread | undefined;

function parserThread(): ParserThread {
  if (thread) return thread;
  const { port1, port2 } = new MessageChannel();
  const done = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { library: require.resolve('@guanmingchiu/sqlparser-ts'), done, port: port2 },
    transferList: [port2],
  });
  // Never keeps a process alive by itself; closeSqlParser() ends it explicitly.
  worker.unref();
  port1.unref();
  thread = { worker, port: port1, done: new Int32Array(done) };
  return thread;
}

/** Parses T-SQL (one or more statements) into the parser's AST; throws on a syntax error. */
export function parseTsql(sql: string): Statement[] {
  const t = parserThread();
  Atomics.store(t.done, 0, 0);
  t.port.postMessage(sql);
  if (Atomics.wait(t.done, 0, 0, PARSE_WAIT_MS) === 'timed-out') throw new Error('T-SQL parser thread did not answer');
  const reply = receiveMessageOnPort(t.port)?.message as
    { ok: true; ast: Statement[] } | { ok: false; message: string };
  if (!reply) throw new Error('T-SQL parser thread answered nothing');
  if (!reply.ok) throw new Error(`T-SQL parse error: ${reply.message}`);
  return reply.ast;
}

/** Ends the parser thread (tests call it in afterAll); the next parse starts a new one. */
export async function closeSqlParser(): Promise<void> {
  const t = thread;
  thread = undefined;
  if (t) {
    t.port.close();
    await t.worker.terminate();
  }
}

export interface CdnReferences {
  /** `CDN.<Table>` names, as written (first spelling), sorted. */
  tables: string[];
  /** Optima-prefixed column names, as written, sorted. */
  columns: string[];
  /** The tables and columns above that optima-columns-2025.json does not have. */
  missing: string[];
}

/** An identifier in the AST: `{ value: 'TrN_TrNID', span: … }` (string literals have an object value). */
function identValue(node: unknown): string | undefined {
  if (node && typeof node === 'object' && 'span' in node && 'value' in node) {
    const v = (node as { value: unknown }).value;
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/** Parts of an object name (`CDN.TraNag` → ['CDN', 'TraNag']): arrays of `{ Identifier: ident }`. */
function namePath(node: unknown[]): string[] | undefined {
  const parts: string[] = [];
  for (const p of node) {
    const v = p && typeof p === 'object' && 'Identifier' in p ? identValue(p.Identifier) : undefined;
    if (v === undefined) return undefined;
    parts.push(v);
  }
  return parts.length ? parts : undefined;
}

/** Every identifier and every dotted name in the AST. */
function collect(node: unknown, idents: string[], paths: string[][]): void {
  if (Array.isArray(node)) {
    const path =
      namePath(node) ?? (node.every((n) => identValue(n) !== undefined) ? node.map((n) => identValue(n)!) : undefined);
    if (path && path.length > 1) paths.push(path);
    for (const n of node) collect(n, idents, paths);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const v = identValue(node);
  if (v !== undefined) idents.push(v);
  for (const child of Object.values(node)) collect(child, idents, paths);
}

/**
 * Lists the CDN tables and Optima columns a T-SQL text names and reports unknown ones.
 * A column counts as Optima's when its prefix (before the first `_`) is one of the
 * file's prefixes (`TrN`, `Knt`, any case); other names (variables, aliases,
 * `sp_getapplock`, the integrator's own tables) are not Optima's and are ignored.
 */
export function checkCdnReferences(sql: string): CdnReferences {
  const idents: string[] = [];
  const paths: string[][] = [];
  collect(parseTsql(sql), idents, paths);

  const tables = new Map<string, string>();
  for (const path of paths) {
    const i = path.findIndex((p, n) => n < path.length - 1 && p.toLowerCase() === 'cdn');
    if (i >= 0) {
      const name = `CDN.${path[i + 1]}`;
      if (!tables.has(name.toLowerCase())) tables.set(name.toLowerCase(), name);
    }
  }
  const columns = new Map<string, string>();
  for (const id of idents) {
    const sep = id.indexOf('_');
    if (sep > 0 && tableForPrefix(id.slice(0, sep)) && !columns.has(id.toLowerCase()))
      columns.set(id.toLowerCase(), id);
  }

  const missing: string[] = [];
  for (const t of tables.values()) if (!findTable(t)) missing.push(t);
  for (const c of columns.values()) {
    const owner = tableForPrefix(c.slice(0, c.indexOf('_')))!;
    if (!findColumn(owner.name, c)) missing.push(c);
  }
  const sorted = (m: Map<string, string>) => [...m.values()].sort((a, b) => a.localeCompare(b));
  return { tables: sorted(tables), columns: sorted(columns), missing: missing.sort((a, b) => a.localeCompare(b)) };
}
