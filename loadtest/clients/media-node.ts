// A whole platform node with media workers on free ports, for the browser tests and the first-frame
// benchmark: live sessions come from a table the caller fills, and hosts get tokens from the node's secret.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  loadConfig,
  type Platform,
  type SessionDirectory,
  startPlatform,
  TokenService,
} from '../../gateway/index.ts';

const SECRET = 'media-browser-test-secret-0123456789abcdef';

/** Live sessions by hand: session id → host person id. */
export class TableSessions implements SessionDirectory {
  readonly live = new Map<string, string>();
  async hostOf(sessionId: string) {
    return this.live.get(sessionId);
  }
}

export interface MediaNode {
  platform: Platform;
  sessions: TableSessions;
  baseUrl: string;
  hostToken(personId: string): Promise<string>;
  /** Signs access tokens (and consultation passes) with the node's secret. */
  tokens: TokenService;
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
    tokens,
    async close() {
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes `sessionId` live with `hostId` as its host and opens the host page in a new browser context,
 * resolving once it publishes (send transport connected, audio and video produced).
 */
export async function publishFromHostPage(
  browser: Browser,
  node: MediaNode,
  sessionId: string,
  hostId: string,
): Promise<{ context: BrowserContext; host: Page }> {
  node.sessions.live.set(sessionId, hostId);
  const token = await node.hostToken(hostId);
  const context = await browser.newContext();
  // The host page never reads a token from its address: the tab is given it.
  await context.addInitScript({
    content: `sessionStorage.setItem('vl.accessToken', ${JSON.stringify(token)})`,
  });
  const host = await context.newPage();
  await host.goto(`${node.baseUrl}/web/host.html?session=${encodeURIComponent(sessionId)}`);
  await host.waitForFunction(
    () => {
      const s = (globalThis as unknown as { vitaliveHost?: { sendTransport: string; producers: number } })
        .vitaliveHost;
      return s?.sendTransport === 'connected' && s.producers === 2;
    },
    undefined,
    { timeout: 20_000 },
  );
  return { context, host };
}
