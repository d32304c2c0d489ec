// People for tests: seed members and staff straight into the store (no HTTP, no password hashing unless
// asked) and mint access tokens for them; open a store on either backend; serve the HTTP API on a free
// loopback port with the real routes.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type ChannelSenders,
  type Commerce,
  type EventBus,
  LocalEventBus,
  MEMBER_CODE_LENGTH,
  type Messenger,
  type OutgoingMessage,
  type People,
  type PeopleOptions,
  type Person,
  type PersonKind,
  REFERRAL_CODE_LENGTH,
  type RegistrationInput,
  type Role,
  randomCode,
  Store,
  type StoreDialect,
} from '../../commerce/internals.ts';
import { hashPassword } from '../../commerce/people/password.ts';
import { createGuards, TokenService } from '../../gateway/auth/index.ts';
import { subscribeConsumers } from '../../gateway/compose/consumers.ts';
import { buildCommerce } from '../../gateway/compose/services.ts';
import { loadConfig, type PlatformConfig } from '../../gateway/config.ts';
import { type App, createHttpApp } from '../../gateway/http-app.ts';
import { ImageFiles } from '../../gateway/images/image-files.ts';
import type { WechatClient } from '../../gateway/messaging/wechat.ts';
import { OrderPlacement } from '../../gateway/order-placement.ts';
import { PosterService } from '../../gateway/posters/poster-service.ts';
import { RecordingFiles } from '../../gateway/recording/index.ts';
import { registerRoutes } from '../../gateway/routes/index.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { testLogger } from './logger.ts';

/** A fixed test key; tokens minted with it are accepted by apps built with testTokens(). */
export const TEST_AUTH_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export function testTokens(accessTtlSec = 900): TokenService {
  return new TokenService({ secret: new TextEncoder().encode(TEST_AUTH_SECRET), accessTtlSec });
}

export interface SeedOptions {
  roles?: Role[];
  kind?: PersonKind;
  displayName?: string;
  email?: string | null;
  phone?: string | null;
  tier?: string;
  channelId?: string | null;
  referredBy?: string | null;
  healthDataConsent?: boolean;
  /** Hashed at the lowest allowed cost; omit for people who never log in. */
  password?: string;
  nowMs?: number;
}

export interface Seeded {
  person: Person;
  /** An access token for the person with their roles ('' for prospects). */
  token: string;
}

/**
 * Inserts a person (member by default, holding `member` plus the given roles) without going through
 * registration, and mints their access token. Writes no outbox events: this is fixture data.
 */
export async function seedPerson(
  store: Store,
  tokens: TokenService,
  opts: SeedOptions = {},
): Promise<Seeded> {
  const id = randomUUID();
  const kind = opts.kind ?? 'member';
  const now = opts.nowMs ?? Date.now();
  const roles: Role[] = kind === 'member' ? [...new Set<Role>(['member', ...(opts.roles ?? [])])].sort() : [];
  const email = opts.email === undefined ? `${id.slice(0, 12)}@example.test` : opts.email;
  const row = {
    id,
    kind,
    member_code: randomCode(MEMBER_CODE_LENGTH),
    referral_code: randomCode(REFERRAL_CODE_LENGTH),
    display_name: opts.displayName ?? `Person ${id.slice(0, 6)}`,
    email,
    phone: opts.phone ?? null,
    tier: opts.tier ?? 'basic',
    referred_by: opts.referredBy ?? null,
    channel_id: opts.channelId ?? null,
    consent_marketing: 0,
    consent_marketing_at_ms: null,
    consent_health_data: opts.healthDataConsent ? 1 : 0,
    consent_health_data_at_ms: opts.healthDataConsent ? now : null,
    password_hash: opts.password ? await hashPassword(opts.password, 14) : null,
    must_change_password: 0,
    registered_at_ms: kind === 'member' ? now : null,
    created_at_ms: now,
    updated_at_ms: now,
  };
  await store.transaction(async (trx) => {
    await trx.insertInto('people').values(row).execute();
    if (roles.length > 0) {
      await trx
        .insertInto('person_roles')
        .values(roles.map((role) => ({ person_id: id, role, granted_by: null, granted_at_ms: now })))
        .execute();
    }
  });
  const person: Person = {
    id,
    kind,
    memberCode: row.member_code,
    referralCode: row.referral_code,
    displayName: row.display_name,
    email: row.email,
    phone: row.phone,
    tier: row.tier,
    referredBy: row.referred_by,
    channelId: row.channel_id,
    consents: {
      marketing: false,
      marketingAtMs: null,
      healthData: row.consent_health_data === 1,
      healthDataAtMs: row.consent_health_data_at_ms,
    },
    roles,
    registeredAtMs: row.registered_at_ms,
    createdAtMs: now,
    updatedAtMs: now,
  };
  const token = kind === 'member' ? await tokens.mintAccess(id, roles) : '';
  return { person, token };
}

/** Shorthands for the usual cast. */
export const seedMember = (store: Store, tokens: TokenService, opts: SeedOptions = {}) =>
  seedPerson(store, tokens, opts);
export const seedStaff = (store: Store, tokens: TokenService, opts: SeedOptions = {}) =>
  seedPerson(store, tokens, { ...opts, roles: ['staff', ...(opts.roles ?? [])] });
export const seedAdmin = (store: Store, tokens: TokenService, opts: SeedOptions = {}) =>
  seedPerson(store, tokens, { ...opts, roles: ['admin', ...(opts.roles ?? [])] });

/** A Messenger that keeps what it is given, for tests that drive commerce without SMTP or SMS. */
export class MessageLog implements Messenger {
  readonly sent: OutgoingMessage[] = [];
  async send(m: OutgoingMessage): Promise<void> {
    this.sent.push(m);
  }
  to(contact: string): OutgoingMessage[] {
    return this.sent.filter((m) => m.to.value === contact);
  }
  /** The code in the latest code message to a (normalised) contact. */
  codeFor(contact: string): string {
    const last = this.to(contact).findLast((m) => m.kind === 'contact_code');
    const code = last && /\b([0-9]{6})\b/.exec(last.text)?.[1];
    if (!code) throw new Error(`no code was sent to ${contact}`);
    return code;
  }
}

let registrationIp = 0;

/**
 * Registers the way a person does, in commerce: asks for the code, reads it from the log and proves the
 * contact (the e-mail when given, else the phone). Each call comes from its own documentation-range IP,
 * so a test's many registrations do not spend one address's budget.
 */
export async function registerProven(
  people: People,
  log: MessageLog,
  input: RegistrationInput,
  opts: { ip?: string; prove?: 'email' | 'phone' } = {},
): Promise<Person> {
  const ip = opts.ip ?? `198.51.100.${(registrationIp++ % 250) + 1}`;
  const field = opts.prove ?? (input.email ? 'email' : 'phone');
  const from = log.sent.length;
  await people.register(input, ip);
  // Registrations may run concurrently: take the message to this person's own e-mail (phones are
  // normalised in commerce, so for them the first message to a phone since the call is taken).
  const wanted = field === 'email' ? input.email?.trim().toLowerCase() : undefined;
  const sentTo = log.sent
    .slice(from)
    .find((m) => m.to.field === field && (wanted === undefined || m.to.value === wanted));
  if (sentTo?.kind !== 'contact_code') {
    throw new Error(`no code was sent to the ${field} (${sentTo?.kind ?? 'nothing'})`);
  }
  const result = await people.proveContact({
    contact: sentTo.to.value,
    code: log.codeFor(sentTo.to.value),
    ip,
  });
  return result.person;
}

/** Both store backends, for describe.each. */
export const STORE_BACKENDS: ReadonlyArray<{ name: StoreDialect }> = [
  { name: 'sqlite' },
  { name: 'postgres' },
];

export interface TestStore {
  store: Store;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Closes the store, drops the PostgreSQL database and removes the data dir. Idempotent. */
  cleanup(): Promise<void>;
}

/** A fresh, migrated store on the given backend. */
export async function openTestStore(dialect: StoreDialect): Promise<TestStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-people-'));
  const pg: ScratchDatabase | undefined = dialect === 'postgres' ? await createScratchDatabase() : undefined;
  const store = await Store.open({ dataDir, databaseUrl: pg?.url, logger: testLogger, poolSize: 4 });
  let done: Promise<void> | undefined;
  return {
    store,
    dataDir,
    databaseUrl: pg?.url,
    cleanup() {
      done ??= (async () => {
        await store.close();
        await pg?.drop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      })();
      return done;
    },
  };
}

/** Configuration for tests: the platform's own loader, with a cheap scrypt cost unless overridden. */
export function testConfig(env: Record<string, string> = {}): PlatformConfig {
  return loadConfig({ PASSWORD_SCRYPT_LOG2_N: '14', LOG_LEVEL: 'silent', ...env });
}

export interface TestApi {
  app: App;
  /** http://127.0.0.1:<port> */
  url: string;
  people: People;
  tokens: TokenService;
  config: PlatformConfig;
  commerce: Commerce;
  close(): Promise<void>;
}

/** The real HTTP app with every route, listening on a free loopback port. */
export async function startTestApi(
  store: Store,
  opts: {
    env?: Record<string, string>;
    people?: Pick<PeopleOptions, 'now' | 'codes' | 'messenger'>;
    /** A bus the test starts itself, to have commerce's consumers (the ledger, rollups) delivered to. */
    events?: EventBus;
    /** Channel adapters for queued messages; the worker is not started (tests drain it). */
    senders?: ChannelSenders;
    /** The official account, for the WeChat binding routes. */
    wechat?: WechatClient;
  } = {},
): Promise<TestApi> {
  const config = testConfig(opts.env);
  const tokens = testTokens(config.auth.accessTtlSec);
  // Messages go to a log unless the test brings its own messenger.
  const { messenger = new MessageLog(), ...pinned } = opts.people ?? {};
  const commerce = buildCommerce(store, config, {
    logger: testLogger,
    messenger,
    people: pinned,
    nodeId: 'test',
    // Consumers are subscribed; unless the test brings its own bus, delivery is not started.
    events: opts.events ?? new LocalEventBus({ db: store.db, logger: testLogger, nodeId: 'test' }),
    senders: opts.senders,
  });
  subscribeConsumers(commerce.events, { commerce });
  const people = commerce.people;
  const app = await createHttpApp({ logger: testLogger, trustProxy: config.http.trustProxy });
  await registerRoutes(app, {
    config,
    logger: testLogger,
    tokens,
    guards: createGuards(tokens, commerce.access.of),
    commerce,
    placement: new OrderPlacement(commerce.orders, config.sales.ordersPerMemberPerMin),
    posters: new PosterService(commerce.sales),
    wechat: opts.wechat,
    images: new ImageFiles(config.dataDir),
    recordings: new RecordingFiles(config.dataDir),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    people,
    tokens,
    config,
    commerce,
    close: () => app.close(),
  };
}
