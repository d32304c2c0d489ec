// The knowledge base as a folder of Markdown files with YAML front matter, for bringing existing
// documents in and taking them out. One file per article and language (`<id>.<lang>.md`); files naming
// the same `id` are one article. A file without an `id` takes its name's stem; without a `lang`, zh-Hans.
//   ---
//   id: faq-bp200-use          kind: product_faq      lang: zh-Hant       title: 血壓計如何正確測量
//   visibility: public         goals: [blood_pressure] products: [p-bp200] skus: [VT-BP-200]
//   audiences: [service]
//   ---
//   Markdown body…
import fs from 'node:fs/promises';
import path from 'node:path';
import matter from 'gray-matter';
import type { Actor, ArticleDocument, ArticleInput, Knowledge } from '../commerce/index.ts';
import { isVitaliveError, type KnowledgeAudience, VitaliveError } from '../protocols/index.ts';

const LANGS = ['zh-Hans', 'zh-Hant', 'en'] as const;
type Lang = (typeof LANGS)[number];
/** A file larger than this is refused before it is parsed (three languages of the longest body fit). */
const FILE_MAX_BYTES = 256 * 1024;
/** Most files one import reads: a folder bigger than the brand's whole library is a mistake. */
const FILES_MAX = 50_000;

// Front matter is data only: gray-matter would otherwise run `---js` blocks as code.
const MATTER_OPTIONS = {
  engines: {
    js: () => refuse('JavaScript front matter is not accepted'),
    javascript: () => refuse('JavaScript front matter is not accepted'),
    coffee: () => refuse('CoffeeScript front matter is not accepted'),
  },
} as unknown as Parameters<typeof matter>[1];

function refuse(reason: string): never {
  throw new VitaliveError('VALIDATION_FAILED', { reason });
}

const list = (v: unknown): string[] | undefined =>
  v === undefined || v === null ? undefined : Array.isArray(v) ? v.map(String) : [String(v)];

interface ParsedFile {
  id: string;
  lang: Lang;
  title: string;
  body: string;
  meta: Omit<ArticleInput, 'titles' | 'bodies'>;
}

export function parseArticleFile(fileName: string, text: string): ParsedFile {
  const { data, content } = matter(text, MATTER_OPTIONS);
  const stem = path.basename(fileName).replace(/\.md$/i, '');
  const lang = (data.lang ??
    (LANGS as readonly string[]).find((l) => stem.endsWith(`.${l}`)) ??
    'zh-Hans') as Lang;
  if (!LANGS.includes(lang)) refuse(`unknown lang ${String(lang).slice(0, 20)}`);
  const id = String(data.id ?? stem.replace(/\.(zh-Hans|zh-Hant|en)$/, ''));
  if (typeof data.title !== 'string') refuse('front matter needs a title');
  return {
    id,
    lang,
    title: data.title,
    body: content.replace(/^\n/, '').trimEnd(),
    meta: {
      kind: data.kind,
      visibility: data.visibility,
      tags: {
        goals: list(data.goals),
        products: list(data.products),
        skus: list(data.skus),
        audiences: list(data.audiences) as KnowledgeAudience[] | undefined,
      },
    },
  };
}

export function articleFiles(doc: ArticleDocument): Array<{ name: string; text: string }> {
  return LANGS.filter((l) => doc.titles[l] !== undefined || doc.bodies[l] !== undefined).map((lang) => ({
    name: `${doc.articleId}.${lang}.md`,
    text: matter.stringify(`\n${doc.bodies[lang] ?? ''}`, {
      id: doc.articleId,
      kind: doc.kind,
      visibility: doc.visibility,
      lang,
      title: doc.titles[lang] ?? '',
      version: doc.version,
      goals: doc.tags.goals,
      products: doc.tags.products,
      skus: doc.tags.skus,
      audiences: doc.tags.audiences,
    }),
  }));
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  failed: Array<{ id: string; reason: string }>;
}

/** Reads every `*.md` under `dir` (not recursively) and imports the articles they make. */
export async function importFolder(knowledge: Knowledge, actor: Actor, dir: string): Promise<ImportReport> {
  const names = (await fs.readdir(dir)).filter((n) => n.toLowerCase().endsWith('.md')).sort();
  if (names.length > FILES_MAX) refuse(`more than ${FILES_MAX} files`);
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, failed: [] };
  const articles = new Map<string, { files: ParsedFile[] }>();
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) continue;
      if (stat.size > FILE_MAX_BYTES) refuse(`${name} is larger than ${FILE_MAX_BYTES} bytes`);
      const parsed = parseArticleFile(name, await fs.readFile(file, 'utf8'));
      const entry = articles.get(parsed.id) ?? { files: [] };
      entry.files.push(parsed);
      articles.set(parsed.id, entry);
    } catch (err) {
      report.failed.push({ id: name, reason: reasonOf(err) });
    }
  }
  for (const [id, { files }] of articles) {
    try {
      const first = files[0]!;
      const titles: ArticleInput['titles'] = {};
      const bodies: ArticleInput['bodies'] = {};
      for (const f of files) {
        if (f.meta.kind !== first.meta.kind || f.meta.visibility !== first.meta.visibility)
          refuse('the files of one article disagree on kind or visibility');
        titles[f.lang] = f.title;
        bodies[f.lang] = f.body;
      }
      const { outcome } = await knowledge.importDocument(actor, {
        ...first.meta,
        titles,
        bodies,
        articleId: id,
      });
      report[outcome] += 1;
    } catch (err) {
      report.failed.push({ id, reason: reasonOf(err) });
    }
  }
  return report;
}

/** Writes every article's current version into `dir` (created if missing); returns the file count. */
export async function exportFolder(knowledge: Knowledge, actor: Actor, dir: string): Promise<number> {
  await fs.mkdir(dir, { recursive: true });
  let count = 0;
  for (const doc of await knowledge.exportAll(actor)) {
    for (const f of articleFiles(doc)) {
      await fs.writeFile(path.join(dir, f.name), f.text, 'utf8');
      count += 1;
    }
  }
  return count;
}

function reasonOf(err: unknown): string {
  if (isVitaliveError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : String(err);
}
