// Knowledge search at scale: seeds ARTICLES synthetic articles (zh-Hans, a third in zh-Hant only, all
// with English) through the knowledge service, then times searches — two-character and longer Chinese
// words, cross-script phrases, English, SKU codes — against a plain indexed title lookup in the same run,
// on SQLite and on PostgreSQL. Prints JSON: p50/p99 in ms of each, their ratio, and whether search's p99
// is under the 50 ms target, and CPU per query: this process (the service and its driver) and, on
// PostgreSQL, the server's processes for the bench database (from /proc). After seeding, the store is
// settled as autovacuum would leave a live database (statistics; on PostgreSQL the visibility map that
// index-only scans need).
//   npm run bench:knowledge [-- --articles 10000 --searches 400 --stores sqlite,postgres]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Converter } from 'opencc-js/cn2t';
import { pino } from 'pino';
import { openCommerce } from '../../gateway/index.ts';
import { createScratchDatabase } from '../clients/postgres.ts';
import { pgCpuMeter } from '../orders/pg-cpu.ts';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    searches: { type: 'string', default: '400' },
    stores: { type: 'string', default: 'sqlite,postgres' },
  },
});
const ARTICLES = Number(values.articles);
const SEARCHES = Number(values.searches);
const TARGET_P99_MS = 50;
type Reader = { personId: string; roles: Array<'staff' | 'member'> };
const EDITOR: Reader = { personId: 'bench-editor', roles: ['staff'] };
const READERS: Reader[] = [EDITOR, { personId: 'bench-member', roles: ['member'] }];

const toTraditional = Converter({ from: 'cn', to: 'tw' });
const TOPICS = [
  '血压',
  '血糖',
  '体脂',
  '睡眠',
  '胆固醇',
  '体重',
  '心率',
  '尿酸',
  '骨密度',
  '肠道',
  '免疫',
  '营养',
];
const WORDS = [
  '饮食',
  '运动',
  '测量',
  '建议',
  '会员',
  '专家',
  '检测',
  '指南',
  '控制',
  '改善',
  '注意',
  '每天',
  '早晨',
  '蔬菜',
  '水果',
  '蛋白质',
  '膳食纤维',
  '维生素',
  '益生菌',
  '鱼油',
  '钙片',
  '低盐',
  '快走',
  '作息',
  '复查',
];
const PRODUCTS = ['血压计', '血糖仪', '体脂秤', '蛋白粉', '益生菌', '深海鱼油', '钙片', '代餐'];
const KINDS = ['product_faq', 'case', 'script', 'sop', 'reading_guide'] as const;

/** Deterministic, so every run and both stores get the same corpus. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function article(i: number) {
  const r = rng(i + 1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const topic = pick(TOPICS);
  const product = pick(PRODUCTS);
  const sku = `VT-${String(i % 500).padStart(3, '0')}-${Math.floor(i / 500)}`;
  const title = `${topic}${pick(WORDS)}：${product}${pick(WORDS)} ${i}`;
  const body = Array.from({ length: 8 }, () => `${pick(WORDS)}${pick(TOPICS)}${pick(WORDS)}`).join('，');
  const traditional = i % 3 === 0;
  return {
    kind: KINDS[i % KINDS.length]!,
    titles: traditional
      ? { 'zh-Hant': toTraditional(title), en: `${topic} guide ${i}` }
      : { 'zh-Hans': title, en: `${topic} guide ${i}` },
    bodies: traditional
      ? {
          'zh-Hant': toTraditional(body),
          en: `Notes on measuring and improving ${i % 7 === 0 ? 'blood pressure' : 'sleep'}.`,
        }
      : { 'zh-Hans': body, en: 'Advice on diet, exercise and regular checks.' },
    tags: { skus: [sku], goals: [`goal-${i % 12}`] },
    title: traditional ? toTraditional(title) : title,
  };
}

const QUERIES = [
  '血压',
  '睡眠',
  '鱼油',
  '體脂',
  '血糖仪',
  '膳食纤维',
  '高血压饮食',
  '蛋白質',
  'blood pressure',
  'sleep',
  'VT-042-3',
  '低盐快走',
];

function percentile(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 100) / 100;
}

async function timed(n: number, database: string | undefined, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(50, n); i++) await fn(i); // warm-up: statements prepared, caches settled
  const ms: number[] = [];
  const cpu0 = process.cpuUsage();
  const pgCpu = pgCpuMeter(database);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    ms.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  const pgMs = pgCpu();
  ms.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    p50Ms: percentile(ms, 0.5),
    p99Ms: percentile(ms, 0.99),
    maxMs: percentile(ms, 1),
    cpuMsPerQuery: {
      process: round((cpu.user + cpu.system) / 1000 / n),
      ...(database ? { postgres: round(pgMs / n) } : {}),
    },
  };
}

async function run(dialect: 'sqlite' | 'postgres') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-kb-bench-'));
  const pg = dialect === 'postgres' ? await createScratchDatabase('vitalive_kb') : undefined;
  const logger = pino({ level: 'warn' });
  const { commerce, close } = await openCommerce(
    { DATA_DIR: dataDir, DATABASE_URL: pg?.url, LOG_LEVEL: 'warn' },
    logger,
  );
  try {
    const { knowledge } = commerce;
    const titles: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < ARTICLES; i++) {
      const { title, ...a } = article(i);
      titles.push(title);
      await knowledge.create(EDITOR, a, 1_700_000_000_000 + i, `bench-${i}`);
    }
    const seedMs = Math.round(performance.now() - t0);
    await commerce.fixtures.settle();
    const database = pg ? new URL(pg.url).pathname.slice(1) : undefined;
    let hits = 0;
    const search = await timed(SEARCHES, database, async (i) => {
      const found = await knowledge.search(READERS[i % 2], { q: QUERIES[i % QUERIES.length], limit: 20 });
      hits += found.length;
    });
    const lookup = await timed(SEARCHES, database, (i) =>
      knowledge.findByTitle(READERS[i % 2], titles[(i * 7919) % titles.length]!),
    );
    return {
      store: dialect,
      articles: ARTICLES,
      seedMs,
      searches: SEARCHES,
      meanHits: Math.round((hits / (SEARCHES + Math.min(50, SEARCHES))) * 10) / 10,
      search,
      titleLookup: lookup,
      ratioP50: Math.round((search.p50Ms / Math.max(0.01, lookup.p50Ms)) * 10) / 10,
      ratioP99: Math.round((search.p99Ms / Math.max(0.01, lookup.p99Ms)) * 10) / 10,
      targetP99Ms: TARGET_P99_MS,
      withinTarget: search.p99Ms < TARGET_P99_MS,
    };
  } finally {
    await close();
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
for (const s of values.stores.split(',')) results.push(await run(s as 'sqlite' | 'postgres'));
console.log(JSON.stringify({ bench: 'knowledge', loadAvg1m: os.loadavg()[0], results }, null, 2));
