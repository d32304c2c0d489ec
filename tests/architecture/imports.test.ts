// The room table of docs/architecture.md, enforced: every relative import in the repository is read and
// checked against who may import what, commerce's store stays inside commerce, and no runtime import
// cycle exists. A forbidden arrow fails `npm test` here, naming the file and the import.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'test-output']);
const ROOMS = ['protocols', 'commerce', 'edge', 'media', 'gateway', 'loadtest', 'tests', 'scripts'] as const;
type Room = (typeof ROOMS)[number];

interface Import {
  from: string;
  /** Repository-relative path the import resolves to. */
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(path.relative(ROOT, p));
  }
  return out;
}

/** `import … from '…'`, `export … from '…'`, side-effect imports and dynamic `import('…')`. */
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]*)['"]|\bimport\(\s*['"](\.[^'"]*)['"]\s*\)/g;

function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[2] ?? m[3]!;
    out.push({
      from: file,
      to: path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)),
      typeOnly: !!m[1],
    });
  }
  return out;
}

const roomOf = (file: string): Room | undefined => ROOMS.find((r) => file.startsWith(`${r}/`));
const isIndex = (file: string, room: Room) => file === `${room}/index.ts`;

/**
 * loadtest/ drives the platform through the composition root (gateway/index.ts, or one builder module
 * of gateway/compose/ where a benchmark process must not load the whole platform), the wire contracts
 * and the build script. bench:media measures the SFU alone (consumers per worker) and so holds media's
 * public API directly (its SFU clients live in loadtest/clients/sfu-clients.ts); that is the one
 * exception, named here. The web apps may import protocols/roles.ts on its own: it has no imports, so
 * the browser bundles the role list without the HTTP schemas behind protocols/index.ts.
 */
const LOADTEST_MAY_IMPORT = new Set(['protocols/index.ts', 'gateway/index.ts', 'scripts/bundle.ts']);
const LOADTEST_MEDIA_EXCEPTION = /^loadtest\/(?:media\/|clients\/sfu-clients\.ts$)/;
const WEB_ROLES = /^gateway\/web\/src\/.*\.tsx?$/;

/** Why `i` breaks the room table, or undefined when it is allowed. */
function violation(i: Import): string | undefined {
  const from = roomOf(i.from);
  const to = roomOf(i.to);
  if (!from || !to || from === to || from === 'tests' || from === 'scripts') return undefined;
  if (from === 'protocols') return 'protocols imports nothing of ours';
  if (to === 'tests') return 'only tests import tests';
  if (from === 'commerce' || from === 'edge' || from === 'media') {
    if (to !== 'protocols') return `${from} may import only protocols`;
    return isIndex(i.to, to) || i.to.startsWith('protocols/generated/')
      ? undefined
      : 'through protocols/index.ts';
  }
  if (from === 'gateway') {
    if (WEB_ROLES.test(i.from) && i.to === 'protocols/roles.ts') return undefined;
    if (to === 'loadtest' || to === 'scripts') return `gateway does not import ${to}`;
    return isIndex(i.to, to) ? undefined : `gateway reaches ${to} only through ${to}/index.ts`;
  }
  // from === 'loadtest'
  if (LOADTEST_MAY_IMPORT.has(i.to) || /^gateway\/compose\/[a-z-]+\.ts$/.test(i.to)) return undefined;
  if (LOADTEST_MEDIA_EXCEPTION.test(i.from) && i.to === 'media/index.ts') return undefined;
  return 'loadtest imports only protocols, the composition root and scripts/bundle.ts';
}

/** Commerce's store (Kysely, its tables, the raw connections) used outside commerce/ and tests/. */
const STORE_USE = [
  { re: /from\s+['"]kysely['"]/, what: 'imports kysely' },
  { re: /\.(?:selectFrom|insertInto|updateTable|deleteFrom)\(/, what: 'runs a query builder' },
  {
    re: /\b(?:store|Store)\.(?:db|background|sqlite|transaction)\b/,
    what: "reaches the store's connections",
  },
  {
    re: /\bimport\b[^;]*\bDatabase\b[^;]*from\s+['"][./]*commerce\//,
    what: "imports commerce's Database type",
  },
];

function storeUses(file: string, text: string): string[] {
  const room = roomOf(file);
  if (!room || room === 'commerce' || room === 'tests') return [];
  return STORE_USE.filter((u) => u.re.test(text)).map((u) => `${file} ${u.what}`);
}

/** Runtime import cycles (type-only imports are erased and cannot form one). */
function cycles(imports: Import[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const i of imports) if (!i.typeOnly) graph.set(i.from, [...(graph.get(i.from) ?? []), i.to]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const next of graph.get(n) ?? []) {
      const s = state.get(next);
      if (s === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!s) visit(next);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return found;
}

describe('the room table', () => {
  const files = sourceFiles();
  const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')]));
  const imports = files.flatMap((f) => importsOf(f, texts.get(f)!));

  it('reads the imports of every room', () => {
    // A parser that silently finds nothing would pass every rule below.
    for (const room of ROOMS.filter((r) => r !== 'scripts' && r !== 'protocols'))
      expect(
        imports.some((i) => i.from.startsWith(`${room}/`)),
        room,
      ).toBe(true);
    expect(imports.length).toBeGreaterThan(1000);
  });

  it('has no arrow against the table', () => {
    const bad = imports.flatMap((i) => {
      const why = violation(i);
      return why ? [`${i.from} → ${i.to}: ${why}`] : [];
    });
    expect(bad).toEqual([]);
  });

  it('keeps commerce’s store inside commerce', () => {
    expect(files.flatMap((f) => storeUses(f, texts.get(f)!))).toEqual([]);
  });

  it('keeps commerce/index.ts free of the store, its tables and raw-database functions', () => {
    const index = texts.get('commerce/index.ts')!;
    for (const name of ['Database', 'Store,', 'appendEvent', 'readEvents', 'applyBatch', 'Kysely'])
      expect(index, name).not.toMatch(new RegExp(`\\b${name.replace(',', '\\b,?')}`));
  });

  it('has no runtime import cycle', () => {
    expect(cycles(imports).map((c) => c.join(' → '))).toEqual([]);
  });

  it('recognises a forbidden arrow and a store use', () => {
    // The checks themselves, on made-up imports: each rule must be able to fail.
    const cases: Array<[string, string]> = [
      ['protocols/errors.ts', 'commerce/index.ts'],
      ['commerce/orders/orders.ts', 'edge/index.ts'],
      ['media/live-room.ts', 'gateway/index.ts'],
      ['gateway/routes/orders.ts', 'commerce/orders/orders.ts'],
      ['loadtest/orders/bench.ts', 'commerce/index.ts'],
      ['loadtest/edge/bench.ts', 'edge/index.ts'],
    ];
    for (const [from, to] of cases)
      expect(violation({ from, to, typeOnly: false }), `${from} → ${to}`).toBeDefined();
    expect(violation({ from: 'gateway/main.ts', to: 'commerce/index.ts', typeOnly: false })).toBeUndefined();
    expect(storeUses('gateway/x.ts', "const r = await store.db.selectFrom('people')")).toHaveLength(2);
    expect(
      cycles([
        { from: 'a.ts', to: 'b.ts', typeOnly: false },
        { from: 'b.ts', to: 'a.ts', typeOnly: false },
      ]),
    ).toHaveLength(1);
  });
});
