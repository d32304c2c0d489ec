// The bootstrap command end to end, on both backends: `npm run admin -- create` prints a single-use
// password once, `list` shows the account, mistakes exit non-zero with a reason, and the platform
// process (gateway/main.ts, as `npm start` runs it) serves the routes where that password only lets the
// admin set their own, after which they act as admin.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitHealthy } from '../../loadtest/clients/health.ts';
import { freePort } from '../../loadtest/clients/ports.ts';
import { call } from '../helpers/http-call.ts';
import { openTestStore, STORE_BACKENDS, type TestStore } from '../helpers/people.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function envFor(ts: TestStore, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: ts.dataDir,
    PASSWORD_SCRYPT_LOG2_N: '14',
    LOG_LEVEL: 'warn',
    ...extra,
  };
  if (ts.databaseUrl) env.DATABASE_URL = ts.databaseUrl;
  else delete env.DATABASE_URL;
  return env;
}

function admin(
  ts: TestStore,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/admin-cli.ts', ...args], {
      cwd: ROOT,
      env: envFor(ts),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(STORE_BACKENDS)('admin bootstrap command on $name', ({ name }) => {
  let ts: TestStore;
  let platform: ChildProcess | undefined;
  let oneTimePassword = '';

  beforeAll(async () => {
    ts = await openTestStore(name);
    // The command and the platform open the store themselves; the test only provides the database.
    await ts.store.close();
  });
  afterAll(async () => {
    if (platform && platform.exitCode === null) platform.kill('SIGKILL');
    await ts.cleanup();
  });

  it('creates an admin and prints a single-use password exactly once', async () => {
    const out = await admin(ts, [
      'create',
      '--email',
      'Root@Example.com',
      '--name',
      'Root',
      '--role',
      'admin',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const match = /^one-time password: ([2-9A-HJKMNP-Z]{16})$/m.exec(out.stdout);
    expect(match).not.toBeNull();
    oneTimePassword = match![1]!;
    expect(out.stdout).toMatch(
      /^created\t\S+\t[2-9A-HJKMNP-Z]{6}\troot@example\.com\t-\tadmin,member\t"Root"$/m,
    );
    expect(out.stderr).not.toContain(oneTimePassword);

    const list = await admin(ts, ['list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('root@example.com');
    expect(list.stdout).toContain('admin,member');
    expect(list.stdout).not.toContain(oneTimePassword);
  });

  it('refuses a second account with the same e-mail, writing nothing', async () => {
    const dup = await admin(ts, ['create', '--email', 'root@example.com', '--role', 'staff']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('PERSON_CONTACT_TAKEN');
    expect(dup.stdout).toBe('');
  });

  it('lets the platform accept the password only to set a new one, then the admin acts as admin', async () => {
    const httpPort = await freePort();
    platform = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
      cwd: ROOT,
      env: envFor(ts, {
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(httpPort),
        MQTT_HOST: '127.0.0.1',
        MQTT_PORT: String(await freePort()),
        MEDIA_WORKERS: '0',
      }),
      stdio: 'ignore',
    });
    await waitHealthy(httpPort, { child: platform });
    const url = `http://127.0.0.1:${httpPort}`;

    const first = await call(url, 'POST', '/api/auth/login', {
      body: { login: 'root@example.com', password: oneTimePassword },
    });
    expect(first.status).toBe(403);
    expect(first.body).toMatchObject({ code: 'AUTH_PASSWORD_CHANGE_REQUIRED' });
    expect(first.headers.get('set-cookie')).toBeNull();

    const changed = await call<{ accessToken: string; person: { roles: string[] } }>(
      url,
      'POST',
      '/api/auth/password',
      {
        body: { login: 'root@example.com', currentPassword: oneTimePassword, newPassword: 'root-chose-this' },
      },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.person.roles).toEqual(['admin', 'member']);

    const channel = await call(url, 'POST', '/api/channels', {
      token: changed.body.accessToken,
      body: { name: 'First partner', commissionBps: 500 },
    });
    expect(channel.status).toBe(201);
    const reuse = await call(url, 'POST', '/api/auth/login', {
      body: { login: 'root@example.com', password: oneTimePassword },
    });
    expect(reuse.body).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });

    const exited = new Promise((resolve) => platform!.once('exit', resolve));
    platform.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 150_000);
});

describe('admin bootstrap command usage', () => {
  // A data dir that must stay empty: usage errors are caught before the store is opened.
  const scratch = {
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-admin-usage-')),
    databaseUrl: undefined,
  } as TestStore;
  afterAll(() => fs.rmSync(scratch.dataDir, { recursive: true, force: true }));

  it('exits 2 with the usage on unknown roles, commands and options, before opening any store', async () => {
    const role = await admin(scratch, ['create', '--email', 'x@example.com', '--role', 'superuser']);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('usage:');
    const command = await admin(scratch, ['frobnicate', '--colour']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('usage:');
    expect(fs.readdirSync(scratch.dataDir)).toEqual([]);
  });
});
