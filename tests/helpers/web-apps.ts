// Shared by the web app browser tests: an in-process platform with one media worker and its pages
// built, seeded people with tokens, HTTP shortcuts, reading page state, and screenshots under
// test-output/ (git-ignored).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startPlatform } from '../../gateway/platform.ts';
import { buildWebPages } from '../../loadtest/clients/browser.ts';
import { freePort } from '../../loadtest/clients/ports.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { call } from './http-call.ts';
import { type TestPlatform, withRawStore } from './live-platform.ts';
import { testLogger } from './logger.ts';
import { TEST_AUTH_SECRET, testConfig } from './people.ts';

export const OUTPUT_DIR = path.resolve(import.meta.dirname, '../../test-output');

export interface WebNode {
  platform: TestPlatform;
  url: string;
  close(): Promise<void>;
}

let built: Promise<void> | undefined;
/** Builds the pages once per test process. */
export function buildOnce(): Promise<void> {
  built ??= buildWebPages();
  return built;
}

/** `env` adds settings; `(url) => env` also knows the node's own address (for PUBLIC_URL). */
export async function startWebNode(
  env: Record<string, string> | ((url: string) => Record<string, string>) = {},
): Promise<WebNode> {
  await buildOnce();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-web-'));
  const httpPort = await freePort();
  const extra = typeof env === 'function' ? env(`http://127.0.0.1:${httpPort}`) : env;
  const config = testConfig({
    ...extra,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    MQTT_HOST: '127.0.0.1',
    MQTT_PORT: String(await freePort()),
    MEDIA_WORKERS: '1',
    MEDIA_BASE_PORT: String(await freePort(true)),
    MEDIA_LOG_LEVEL: 'none',
    DATA_DIR: dataDir,
    AUTH_SECRET: TEST_AUTH_SECRET,
  });
  const platform = withRawStore(await startPlatform(config, testLogger));
  return {
    platform,
    url: `http://127.0.0.1:${platform.ports.http.port}`,
    async close() {
      await platform.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** JSON call that must succeed (status < 300); returns the body. */
export async function ok<T = Record<string, unknown>>(
  url: string,
  method: string,
  p: string,
  token?: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<T> {
  const res = await call<T>(url, method, p, { token, body, ...(headers ? { headers } : {}) });
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let skuSeq = 0;
/** A product with one SKU (stock on hand `stock`), created by staff. */
export async function createProduct(url: string, staffToken: string, stock: number, priceMinor = 19_900) {
  const product = await ok<{ skus: Array<{ skuId: string }> }>(url, 'POST', '/api/products', staffToken, {
    titles: { en: 'Protein shake', 'zh-Hans': '蛋白奶昔', 'zh-Hant': '蛋白奶昔' },
    tags: ['weight-management'],
    skus: [{ code: `SHAKE-${process.pid}-${++skuSeq}`, priceMinor, currency: 'CNY', stock }],
  });
  return product.skus[0]!.skuId;
}

/** Evaluates the expression `expr` in the page (awaiting a promise) until it is truthy. */
export async function until(page: Page, expr: string, timeout = 45_000): Promise<void> {
  // waitForFunction takes a promise itself as truthy, so the polling happens here.
  const holds = async () => Boolean(await page.evaluate(expr).catch(() => false));
  await waitFor(holds, { timeoutMs: timeout, what: `page condition ${expr}`, stepMs: 100 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** framesDecoded of the viewer page's video (0 until the first frame). */
export const FRAMES_DECODED =
  '(async () => { const p = globalThis.vitaliveLive?.player; return p ? await p.framesDecoded() : 0; })()';
