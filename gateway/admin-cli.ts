// The bootstrap command (`npm run admin -- …`): creates staff accounts with a single-use password and
// lists who holds which role. Uses the platform's configuration, store and builders, so it acts on the
// same data with the same rules.
//   create --email a@b.c [--phone +86…] [--name "…"] --role admin [--role staff …]
//   list
//   knowledge import <dir> | knowledge export <dir>   (Markdown files with front matter, docs/knowledge.md)
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { type Actor, isRole, openStore, type Person, type Role } from '../commerce/index.ts';
import { isVitaliveError } from '../protocols/index.ts';
import { createKnowledge, createPeople } from './compose/services.ts';
import { loadConfig } from './config.ts';
import { exportFolder, importFolder } from './knowledge-files.ts';

const USAGE = `usage:
  npm run admin -- create --email <address> [--phone <number>] [--name <display name>] --role <role> [--role …]
  npm run admin -- list
  npm run admin -- knowledge import <dir>
  npm run admin -- knowledge export <dir>`;

/** Who imports and exports: recorded as the author of the versions an import writes. */
const CLI_ACTOR: Actor = { personId: 'admin-cli', roles: ['admin'] };

class UsageError extends Error {}

function describe(p: Person): string {
  return [
    p.id,
    p.memberCode,
    p.email ?? '-',
    p.phone ?? '-',
    p.roles.join(','),
    JSON.stringify(p.displayName),
  ].join('\t');
}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      phone: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
    },
  });
  const command = positionals[0];
  if (command === 'knowledge') return knowledgeCommand(positionals.slice(1));
  if (positionals.length !== 1 || (command !== 'create' && command !== 'list')) throw new UsageError();

  const roles = values.role ?? [];
  if (command === 'create') {
    if (roles.length === 0 || !roles.every(isRole))
      throw new UsageError('--role must name one or more roles');
    if (!values.email && !values.phone) throw new UsageError('--email or --phone is required');
    if (values.name !== undefined && (values.name.trim() === '' || values.name.length > 80)) {
      throw new UsageError('--name must be 1-80 characters');
    }
  }

  const config = loadConfig(process.env);
  // Logs go to stderr so stdout carries only the result (and the password, once).
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, logger });
  try {
    const people = createPeople(store, config);
    if (command === 'list') {
      process.stdout.write('id\tmember_code\temail\tphone\troles\tname\n');
      for (const p of await people.listStaffAccounts()) process.stdout.write(`${describe(p)}\n`);
      return;
    }
    const roles = values.role ?? [];
    if (roles.length === 0 || !roles.every(isRole))
      throw new UsageError('--role must name one or more roles');
    if (!values.email && !values.phone) throw new UsageError('--email or --phone is required');
    if (values.name !== undefined && (values.name.trim() === '' || values.name.length > 80)) {
      throw new UsageError('--name must be 1-80 characters');
    }
    const { person, oneTimePassword } = await people.createStaffAccount({
      displayName: values.name ?? values.email?.split('@')[0] ?? 'Admin',
      email: values.email,
      phone: values.phone,
      roles: roles as Role[],
    });
    process.stdout.write(
      `created\t${describe(person)}\n` +
        `one-time password: ${oneTimePassword}\n` +
        'It is shown only now. It cannot open a session: use it once with POST /api/auth/password\n' +
        '(login, currentPassword, newPassword) to set a password of your own.\n',
    );
  } finally {
    await store.close();
  }
}

async function knowledgeCommand(args: string[]): Promise<void> {
  const [action, dir] = args;
  if (args.length !== 2 || (action !== 'import' && action !== 'export') || !dir)
    throw new UsageError('knowledge needs import or export and a folder');
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, logger });
  try {
    const knowledge = createKnowledge(store, config);
    if (action === 'export') {
      const files = await exportFolder(knowledge, CLI_ACTOR, dir);
      process.stdout.write(`exported\t${files} files\n`);
      return;
    }
    const report = await importFolder(knowledge, CLI_ACTOR, dir);
    process.stdout.write(
      `imported\tcreated ${report.created}\tupdated ${report.updated}\tunchanged ${report.unchanged}\tfailed ${report.failed.length}\n`,
    );
    for (const f of report.failed) process.stdout.write(`failed\t${f.id}\t${f.reason}\n`);
    if (report.failed.length > 0) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

run(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message ? `${err.message}\n` : ''}${USAGE}\n`);
      process.exit(2);
    }
    if (err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`admin: ${isVitaliveError(err) ? `${err.code}: ${err.message}` : String(err)}\n`);
    process.exit(1);
  },
);
