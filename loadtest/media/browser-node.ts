// A whole platform node with media, its web pages built, and headless Chromium (fake camera) for the
// host and viewer pages. Shared by the browser test and the first-frame benchmark.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import {
  loadConfig,
  type Platform,
  type SessionDirectory,
  startPlatform,
  TokenService,
} from '../../gateway/index.ts';

export const CHROMIUM = '/usr/bin/chromium';
const SECRET = 'media-browser-test-secret-0123456789abcdef';

export class TableSessions implements SessionDirectory {
  readonly live = new Map<string, string>();
  async hostOf(sessionId: string) {
    return this.live.get(sessionId);
  }
}

/** Newest modification time under a folder (files only), skipping the build output. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    if (full.includes(`${path.sep}dist${path.sep}`)) continue;
    newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds the web pages unless the build is newer than every source file (`npm test` builds first).
 * Browser test files run in parallel, and rebuilding empties the folder another file's server reads.
 */
export async function buildWebPages(): Promise<void> {
  const web = path.resolve('gateway/web');
  const marker = path.join(web, 'dist', 'live.html');
  if (existsSync(marker) && statSync(marker).mtimeMs >= newestMtime(web)) return;
  await build({ configFile: path.join(web, 'vite.config.ts'), logLevel: 'silent' });
}

export interface MediaNode {
  platform: Platform;
  sessions: TableSessions;
  baseUrl: string;
  hostToken(personId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startMediaNode(workers = 2): Promise<MediaNode> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vitalive-media-'));
  const config = loadConfig({
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    MQTT_PORT: '0',
    MEDIA_WORKERS: String(workers),
    MEDIA_BASE_PORT: '0',
    MEDIA_LOG_LEVEL: 'none',
    DATA_DIR: dataDir,
    AUTH_SECRET: SECRET,
    LOG_LEVEL: 'silent',
  });
  const sessions = new TableSessions();
  const platform = await startPlatform(config, pino({ level: 'silent' }), { sessions });
  const tokens = new TokenService({ secret: new TextEncoder().encode(SECRET) });
  return {
    platform,
    sessions,
    baseUrl: `http://127.0.0.1:${platform.ports.http.port}`,
    hostToken: (personId) => tokens.mintAccess(personId, ['member']),
    async close() {
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `extraArgs` e.g. `--use-file-for-fake-video-capture=<file.y4m>` to feed the fake camera a video. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      // The only interface may be loopback; WebRTC ignores it unless told otherwise.
      '--allow-loopback-in-peer-connection',
      ...extraArgs,
    ],
  });
}
