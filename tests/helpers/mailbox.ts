// A real SMTP server in the test process (smtp-server) that keeps every message it receives, so tests
// can read one-time codes the platform sends by e-mail. Point the platform at `url` (SMTP_URL).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  /** The raw message (headers and body) as received. */
  raw: string;
}

/** The one-time code in a message from the platform (6 digits), in any of its languages. */
export function codeIn(text: string): string | undefined {
  // Anchored on the message's own wording: a raw mail's headers (ids, boundaries) may hold six digits too.
  return /(?:Your Vitalive code(?: is|:)|Vitalive 验证码(?:是|：)|Vitalive 驗證碼(?:是|：)) ?([0-9]{6})\b/.exec(
    text,
  )?.[1];
}

/** A received mail's subject, text and headers, decoded from their transfer encodings (UTF-8). */
export interface DecodedMail {
  subject: string;
  text: string;
  headers: Record<string, string>;
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`), as mail clients show them. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_all, enc: string, data: string) =>
      (enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : quotedPrintable(data.replace(/_/g, ' '))
      ).toString('utf8'),
    );
}

function quotedPrintable(data: string): Buffer {
  const bytes: number[] = [];
  const text = data.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '=' ? /^[0-9A-Fa-f]{2}/.exec(text.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(Number.parseInt(hex[0], 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes);
}

/** Decodes a single-part text mail as the platform sends it (nodemailer, text only). */
export function decodeMail(raw: string): DecodedMail {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? quotedPrintable(body).toString('utf8')
        : body;
  return { subject: decodeWords(headers.subject ?? ''), text: text.trim(), headers };
}

export class Mailbox {
  readonly received: ReceivedMail[] = [];
  #server: SMTPServer;
  #waiters: Array<() => void> = [];
  #held: Array<() => void> | undefined;
  url = '';

  constructor() {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const accept = () => {
            this.received.push({
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              raw: Buffer.concat(chunks).toString('utf8'),
            });
            for (const w of this.#waiters.splice(0)) w();
            callback();
          };
          if (this.#held) this.#held.push(accept);
          else accept();
        });
      },
    });
  }

  /**
   * Holds every message that arrives, unanswered (the sender waits on the SMTP DATA reply), until
   * release(): lets a test tell what a request answered before a message could be delivered.
   */
  hold(): void {
    this.#held ??= [];
  }

  /** Messages waiting to be accepted while held. */
  get heldCount(): number {
    return this.#held?.length ?? 0;
  }

  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const accept of held) accept();
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.server.address() as AddressInfo;
    this.url = `smtp://127.0.0.1:${port}`;
    return this;
  }

  /** Messages to an address so far. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address.toLowerCase()));
  }

  /** Waits (up to timeoutMs) for the n-th message to an address (1-based) and returns it. */
  async nth(address: string, n: number, timeoutMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = this.to(address);
      if (mails.length >= n) return mails[n - 1]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message #${n} to ${address} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The code in the latest message to an address, waiting for a message newer than `after` messages. */
  async codeFor(address: string, after = this.to(address).length - 1): Promise<string> {
    // Other messages to the address (an invitation, a notice) may arrive in between: take the first code.
    for (let n = after + 1; ; n++) {
      const code = codeIn(decodeMail((await this.nth(address, n)).raw).text);
      if (code) return code;
    }
  }

  close(): Promise<void> {
    this.release();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

export async function startMailbox(): Promise<Mailbox> {
  return new Mailbox().start();
}
