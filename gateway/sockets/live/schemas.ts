// Payload schemas of the /live client events, checked against the contract in protocols/sockets/.
import { Type } from 'typebox';
import { IdempotencyKey, type LiveClientToServer, PlaceOrderBody } from '../../../protocols/index.ts';
import { compile, contractOf } from '../validate.ts';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const Code = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' });

export const parseJoin = compile(
  Type.Object(
    {
      sessionId: Id,
      // The id the server gave this browser; absent, unsigned or forged → a fresh one is minted.
      viewerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' })),
      ref: Type.Optional(Code),
      ch: Type.Optional(Code),
    },
    { additionalProperties: false },
  ),
);
export const parseSession = compile(Type.Object({ sessionId: Id }, { additionalProperties: false }));
export const parseCard = compile(Type.Object({ sessionId: Id, cardId: Id }, { additionalProperties: false }));
export const parseChat = compile(
  Type.Object({ sessionId: Id, text: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
);
export const parseAuth = compile(
  Type.Object({ token: Type.String({ minLength: 16, maxLength: 4096 }) }, { additionalProperties: false }),
);
export const parseOrder = compile(
  Type.Object(
    {
      sessionId: Id,
      idempotencyKey: IdempotencyKey,
      order: PlaceOrderBody,
    },
    { additionalProperties: false },
  ),
);

contractOf<LiveClientToServer>()({
  'live:join': parseJoin,
  'live:resync': parseSession,
  'live:leave': parseSession,
  'card:impression': parseCard,
  'card:click': parseCard,
  'chat:send': parseChat,
  'live:auth': parseAuth,
  'order:place': parseOrder,
});
