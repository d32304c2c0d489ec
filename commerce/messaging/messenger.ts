// The Messenger port: how commerce reaches a person at an e-mail address or phone number (one-time
// codes, "you already have an account" notices, channel invitations). The gateway plugs in the real
// adapters (SMTP, an SMS provider over HTTP); commerce only composes the text, in the person's language.
import type { MessageLocale } from './locale.ts';

export type MessageKind = 'contact_code' | 'contact_taken' | 'channel_invitation';

export interface OutgoingMessage {
  to: { field: 'email' | 'phone'; value: string };
  kind: MessageKind;
  /** The language subject and text are written in. */
  locale: MessageLocale;
  /** E-mail subject; SMS adapters ignore it. */
  subject: string;
  /** Plain text, short enough for one SMS when `to` is a phone. */
  text: string;
}

export interface Messenger {
  /** Resolves once the adapter accepted the message; rejects when it could not hand it over. */
  send(message: OutgoingMessage): Promise<void>;
}

/** Drops every message: for code paths and tests that send nothing. */
export const silentMessenger: Messenger = { send: async () => {} };
