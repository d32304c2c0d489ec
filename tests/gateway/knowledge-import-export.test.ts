// `npm run admin -- knowledge import <dir>` and the folder export on both stores: a folder of Markdown files with front
// matter (one file per article and language, files of the same id merged) comes in as articles that
// search finds; exporting writes them back out; importing the export changes nothing; an edited file
// becomes a new version; a file with executable (`---js`) front matter or invalid content is refused
// alone and reported, and the command exits non-zero.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Knowledge } from '../../commerce/internals.ts';
import { exportFolder, importFolder, parseArticleFile } from '../../gateway/knowledge-files.ts';
import { openTestStore, STORE_BACKENDS, type TestStore } from '../helpers/people.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const STAFF = { personId: 'reader', roles: ['staff'] as const };
const ADMIN = { personId: 'admin-cli', roles: ['admin'] as const };

function cli(ts: TestStore, args: string[]): Promise<{ code: number | null; stdout: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: ts.dataDir, LOG_LEVEL: 'warn' };
  if (ts.databaseUrl) env.DATABASE_URL = ts.databaseUrl;
  else delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/admin-cli.ts', 'knowledge', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout }));
  });
}

const FILES: Record<string, string> = {
  'bp-faq.zh-Hans.md': `---
id: bp-faq
kind: product_faq
lang: zh-Hans
title: 血压计常见问题
products: [p-bp200]
skus: [VT-BP-200]
goals: [blood_pressure]
---
测量前静坐五分钟，**袖带**与心脏同高。
`,
  'bp-faq.en.md': `---
id: bp-faq
kind: product_faq
lang: en
title: "Blood pressure monitor: FAQ"
products: [p-bp200]
skus: [VT-BP-200]
goals: [blood_pressure]
---
Sit quietly for five minutes.
`,
  'channel-script.md': `---
kind: script
lang: zh-Hant
title: 渠道邀約話術
audiences: [channel]
---
您好，本週六社區中心有免費健康講座。
`,
  'evil.md': `---js
{ kind: (require('node:fs').writeFileSync('pwned', 'x'), 'sop'), title: 'x' }
---
body
`,
  'no-kind.md': `---
title: Nothing else
---
body
`,
};

describe.each(STORE_BACKENDS)('knowledge import (admin CLI) and export on $name', ({ name }) => {
  let ts: TestStore;
  let knowledge: Knowledge;
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-kb-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    ts = await openTestStore(name);
    knowledge = new Knowledge(ts.store);
  }, 60_000);
  afterAll(async () => {
    await ts?.cleanup();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('imports a folder, exports it, and re-imports the export without change', async () => {
    const source = tmp();
    for (const [file, text] of Object.entries(FILES)) fs.writeFileSync(path.join(source, file), text);
    const imported = await cli(ts, ['import', source]);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('created 2\tupdated 0\tunchanged 0\tfailed 2');
    expect(imported.stdout).toMatch(/failed\tevil\.md\t.*JavaScript front matter/);
    expect(imported.stdout).toMatch(/failed\tno-kind\tVALIDATION_FAILED/);
    expect(fs.existsSync(path.join(ROOT, 'pwned'))).toBe(false);

    const faq = await knowledge.get(undefined, 'bp-faq');
    expect(faq).toMatchObject({
      kind: 'product_faq',
      visibility: 'public',
      version: 1,
      authorId: 'admin-cli',
      titles: { 'zh-Hans': '血压计常见问题', en: 'Blood pressure monitor: FAQ' },
      tags: { products: ['p-bp200'], skus: ['VT-BP-200'], goals: ['blood_pressure'], audiences: [] },
    });
    expect(faq.html['zh-Hans']).toContain('<strong>袖带</strong>');
    // The traditional-only script is found by a simplified phrase, on its shelf only.
    const hits = await knowledge.search(STAFF, { q: '健康讲座' });
    expect(hits.map((h) => [h.articleId, h.visibility])).toEqual([['channel-script', 'channel']]);

    const out = tmp();
    expect(await exportFolder(knowledge, ADMIN, out)).toBe(3);
    expect(fs.readdirSync(out).sort()).toEqual([
      'bp-faq.en.md',
      'bp-faq.zh-Hans.md',
      'channel-script.zh-Hant.md',
    ]);
    const back = parseArticleFile(
      'bp-faq.zh-Hans.md',
      fs.readFileSync(path.join(out, 'bp-faq.zh-Hans.md'), 'utf8'),
    );
    expect(back).toMatchObject({ id: 'bp-faq', lang: 'zh-Hans', title: '血压计常见问题' });
    expect(back.body).toBe('测量前静坐五分钟，**袖带**与心脏同高。');

    expect(await importFolder(knowledge, ADMIN, out)).toEqual({
      created: 0,
      updated: 0,
      unchanged: 2,
      failed: [],
    });

    // An edited file becomes version 2 of its article.
    const file = path.join(out, 'bp-faq.en.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('five minutes', 'five quiet minutes'));
    expect(await importFolder(knowledge, ADMIN, out)).toEqual({
      created: 0,
      updated: 1,
      unchanged: 1,
      failed: [],
    });
    const v2 = await knowledge.get(undefined, 'bp-faq');
    expect(v2.version).toBe(2);
    expect(v2.bodies.en).toBe('Sit quietly for five quiet minutes.');
    expect((await knowledge.versions(STAFF, 'bp-faq')).versions.map((v) => v.version)).toEqual([2, 1]);
  }, 180_000);
});
