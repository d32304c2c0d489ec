// Payload schemas of the /host client events, checked against the contract in protocols/sockets/.
import { Type } from 'typebox';
import type { HostClientToServer } from '../../../protocols/index.ts';
import { compile, contractOf } from '../validate.ts';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });

export const parseSession = compile(Type.Object({ sessionId: Id }, { additionalProperties: false }));
export const parseCard = compile(Type.Object({ sessionId: Id, cardId: Id }, { additionalProperties: false }));
export const parseCountdown = compile(
  Type.Object(
    {
      sessionId: Id,
      cardId: Id,
      startsAtMs: Type.Integer({ minimum: 0 }),
      endsAtMs: Type.Integer({ minimum: 0 }),
    },
    { additionalProperties: false },
  ),
);
export const parseDelete = compile(
  Type.Object({ sessionId: Id, messageId: Id }, { additionalProperties: false }),
);
export const parseMute = compile(
  Type.Object(
    {
      sessionId: Id,
      viewerId: Type.Optional(Id),
      personId: Type.Optional(Id),
      /** Up to a day. */
      durationSec: Type.Integer({ minimum: 1, maximum: 86_400 }),
    },
    { additionalProperties: false },
  ),
);

contractOf<HostClientToServer>()({
  'host:join': parseSession,
  'host:sales': parseSession,
  'session:go_live': parseSession,
  'session:end': parseSession,
  'card:pin': parseCard,
  'card:unpin': parseCard,
  'card:countdown': parseCountdown,
  'chat:delete': parseDelete,
  'chat:mute': parseMute,
});
