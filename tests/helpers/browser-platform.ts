// The set-up the browser stories share: a platform process started as `npm start` runs it (its own
// data folder, free ports, one media worker, cheap password hashing), accounts created beforehand with
// the admin bootstrap command, and headless Chromium. stop() ends all of it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../loadtest/clients/browser.ts';
import { freePort } from '../../loadtest/clients/ports.ts';
import { adminCli, oneTimePassword } from './admin-cli.ts';
import { type Mailbox, startMailbox } from './mailbox.ts';
import { type PlatformProcess, pollHealth, startMain } from './platform-process.ts';

export interface BrowserPlatform {
  url: string;
  mqttPort: number;
  browser: Browser;
  main: PlatformProcess;
  /** Single-use passwords of the accounts created before start, by e-mail. */
  otps: Record<string, string>;
  /** The in-process SMTP server the platform sends codes to. */
  mailbox: Mailbox;
  stop(): Promise<void>;
}

export interface BootstrapAccount {
  email: string;
  name: string;
  role: string;
}

export async function startBrowserPlatform(
  name: string,
  accounts: BootstrapAccount[],
): Promise<BrowserPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `vitalive-${name}-`));
  const mailbox = await startMailbox();
  const httpPort = await freePort();
  const mqttPort = await freePort();
  const env = {
    DATA_DIR: dataDir,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    MQTT_HOST: '127.0.0.1',
    MQTT_PORT: String(mqttPort),
    MEDIA_WORKERS: '1',
    MEDIA_BASE_PORT: String(await freePort(true)),
    MEDIA_LOG_LEVEL: 'none',
    PASSWORD_SCRYPT_LOG2_N: '14',
    LOG_LEVEL: 'warn',
    SMTP_URL: mailbox.url,
  };
  // The bootstrap command writes to the same store the platform then opens.
  const otps: Record<string, string> = {};
  for (const a of accounts) {
    const out = await adminCli(env, ['create', '--email', a.email, '--name', a.name, '--role', a.role]);
    otps[a.email] = oneTimePassword(out);
  }
  const main = startMain(env);
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    if (main.child.exitCode === null) {
      main.child.kill('SIGTERM');
      await main.exited();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    await mailbox.close();
  };
  try {
    await pollHealth(httpPort, 60_000);
    browser = await launchChromium();
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${httpPort}`, mqttPort, browser, main, otps, mailbox, stop };
}
