// What a separate media node needs from commerce — who hosts a session, a person's current access —
// asked of the core over Redis: the question goes on a list that exactly one core node pops, the answer
// comes back on the asking node's own channel. Both sides check what they read.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Compile } from 'typebox/compile';
import { isRole, type PersonAccess } from '../../commerce/index.ts';
import {
  type CoreAnswer,
  CoreAnswerSchema,
  type CoreQuestion,
  CoreQuestionSchema,
  VitaliveError,
} from '../../protocols/index.ts';
import type { SessionDirectory } from '../media-gateway.ts';

const QUESTIONS = 'vl:media:core-questions';
const answerChannel = (nodeId: string) => `vl:media:core-answers:${nodeId}`;
const checkQuestion = Compile(CoreQuestionSchema);
const checkAnswer = Compile(CoreAnswerSchema);
/** Questions waiting for the core beyond this are refused at once (the core is down or far behind). */
const MAX_PENDING = 10_000;

/** The media node's side: a SessionDirectory and a person-access source answered by the core. */
export class CorePort implements SessionDirectory {
  readonly #redis: Redis;
  readonly #sub: Redis;
  readonly #nodeId: string;
  readonly #timeoutMs: number;
  readonly #pending = new Map<string, (a: CoreAnswer) => void>();

  constructor(redis: Redis, nodeId: string, timeoutMs: number) {
    this.#redis = redis;
    this.#sub = redis.duplicate();
    this.#nodeId = nodeId;
    this.#timeoutMs = timeoutMs;
  }

  async start(): Promise<void> {
    this.#sub.on('message', (_channel: string, raw: string) => {
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch {
        return;
      }
      if (!checkAnswer.Check(v)) return;
      this.#pending.get(v.id)?.(v);
    });
    await this.#sub.subscribe(answerChannel(this.#nodeId));
  }

  async hostOf(sessionId: string): Promise<string | undefined> {
    const a = await this.#ask({ type: 'hostOf', sessionId });
    return a.hostId ?? undefined;
  }

  readonly access = async (personId: string): Promise<PersonAccess> => {
    const a = await this.#ask({ type: 'access', personId });
    if (!a.access) throw new VitaliveError('SERVICE_UNAVAILABLE', { what: 'The platform core' });
    return { roles: a.access.roles.filter(isRole), sessionsRevokedAtMs: a.access.sessionsRevokedAtMs };
  };

  close(): void {
    this.#sub.disconnect();
    for (const resolve of this.#pending.values()) resolve({ id: '', error: 'closed' });
    this.#pending.clear();
  }

  async #ask(ask: CoreQuestion['ask']): Promise<CoreAnswer> {
    if (this.#pending.size >= MAX_PENDING)
      throw new VitaliveError('SERVICE_UNAVAILABLE', { what: 'The platform core' });
    const id = randomUUID();
    const q: CoreQuestion = {
      id,
      replyTo: answerChannel(this.#nodeId),
      deadlineMs: Date.now() + this.#timeoutMs,
      ask,
    };
    const answer = new Promise<CoreAnswer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), this.#timeoutMs);
      this.#pending.set(id, (a) => {
        clearTimeout(timer);
        resolve(a);
      });
    });
    try {
      await this.#redis.lpush(QUESTIONS, JSON.stringify(q));
      const a = await answer;
      if (!a || a.error) throw new VitaliveError('SERVICE_UNAVAILABLE', { what: 'The platform core' });
      return a;
    } finally {
      this.#pending.delete(id);
    }
  }
}

export interface CoreAnswersDeps {
  redis: Redis;
  sessions: SessionDirectory;
  access: (personId: string) => Promise<PersonAccess>;
  logger: Logger;
}

/** The core's side: pops media nodes' questions (one core node takes each) and answers them. */
export function answerMediaNodes(deps: CoreAnswersDeps): { close(): Promise<void> } {
  const conn = deps.redis.duplicate();
  let closed = false;
  const answer = async (q: CoreQuestion): Promise<CoreAnswer> => {
    try {
      if (q.ask.type === 'hostOf')
        return { id: q.id, hostId: (await deps.sessions.hostOf(q.ask.sessionId)) ?? null };
      const a = await deps.access(q.ask.personId);
      return { id: q.id, access: { roles: [...a.roles], sessionsRevokedAtMs: a.sessionsRevokedAtMs } };
    } catch (err) {
      deps.logger.warn({ err, ask: q.ask.type }, 'media node question failed');
      return { id: q.id, error: 'failed' };
    }
  };
  const loop = (async () => {
    while (!closed) {
      let popped: [string, string] | null;
      try {
        popped = await conn.brpop(QUESTIONS, 1);
      } catch (err) {
        if (closed) return;
        deps.logger.warn({ err }, 'media node questions: Redis read failed');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (!popped) continue;
      let q: unknown;
      try {
        q = JSON.parse(popped[1]);
      } catch {
        continue;
      }
      if (!checkQuestion.Check(q) || q.deadlineMs < Date.now()) continue;
      const question = q;
      void answer(question).then((a) =>
        deps.redis.publish(question.replyTo, JSON.stringify(a)).catch(() => {}),
      );
    }
  })();
  return {
    async close() {
      closed = true;
      conn.disconnect();
      await loop.catch(() => {});
    },
  };
}
