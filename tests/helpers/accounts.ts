// Registering over HTTP the way a person does: POST /api/auth/register, read the code the platform sent
// (in-process SMTP server, or the fake SMS provider), POST /api/auth/verify-contact. Returns the session.

import type { FakeSmsProvider } from './fake-sms.ts';
import { type CallResult, call } from './http-call.ts';
import type { Mailbox } from './mailbox.ts';

export interface RegisterBody {
  displayName: string;
  email?: string;
  phone?: string;
  password: string;
  referralCode?: string;
  channelCode?: string;
}

/** The body verify-contact answers with on a finished registration. */
export interface SessionBody {
  accessToken: string;
  person: {
    id: string;
    memberCode: string;
    referralCode: string;
    email: string | null;
    phone: string | null;
  };
  [k: string]: unknown;
}

export async function registerWithCode(
  url: string,
  inbox: { mailbox?: Mailbox; sms?: FakeSmsProvider },
  body: RegisterBody,
  headers: Record<string, string> = {},
): Promise<CallResult<SessionBody>> {
  const before = body.email && inbox.mailbox ? inbox.mailbox.to(body.email).length : 0;
  const r = await call(url, 'POST', '/api/auth/register', { body, headers });
  if (r.status !== 202) throw new Error(`register: ${r.status} ${JSON.stringify(r.body)}`);
  let contact: string;
  let code: string;
  if (body.email && inbox.mailbox) {
    contact = body.email;
    code = await inbox.mailbox.codeFor(body.email, before);
  } else if (body.phone && inbox.sms) {
    contact = body.phone;
    code = inbox.sms.codeFor(body.phone);
  } else throw new Error('registerWithCode needs the mailbox for an e-mail or the SMS provider for a phone');
  return call<SessionBody>(url, 'POST', '/api/auth/verify-contact', { body: { contact, code }, headers });
}

/** registerWithCode that must succeed (201); returns the session body. */
export async function registered(
  url: string,
  inbox: { mailbox?: Mailbox; sms?: FakeSmsProvider },
  body: RegisterBody,
): Promise<SessionBody> {
  const r = await registerWithCode(url, inbox, body);
  if (r.status !== 201) throw new Error(`verify-contact: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
