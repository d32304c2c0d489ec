// TypeBox schemas of every /media payload. mediasoup checks the parameter objects in depth; these
// bound their shape and size so nothing oversized or malformed reaches a worker.
import { Type } from 'typebox';
import type { MediaClientToServer } from '../../../protocols/index.ts';
import { compile, contractOf } from '../validate.ts';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const Uuid = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });
const Kind = Type.Union([Type.Literal('audio'), Type.Literal('video')]);
const Params = Type.Record(
  Type.String({ maxLength: 64 }),
  Type.Union([Type.String({ maxLength: 256 }), Type.Number()]),
);

const RtcpFeedback = Type.Object({
  type: Type.String({ maxLength: 32 }),
  parameter: Type.Optional(Type.String({ maxLength: 32 })),
});

const Codec = Type.Object({
  mimeType: Type.String({ minLength: 3, maxLength: 64 }),
  payloadType: Type.Integer({ minimum: 0, maximum: 127 }),
  clockRate: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  channels: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
  parameters: Type.Optional(Params),
  rtcpFeedback: Type.Optional(Type.Array(RtcpFeedback, { maxItems: 16 })),
});

const HeaderExtension = Type.Object({
  uri: Type.String({ maxLength: 256 }),
  id: Type.Integer({ minimum: 1, maximum: 255 }),
  encrypt: Type.Optional(Type.Boolean()),
  parameters: Type.Optional(Params),
});

const Encoding = Type.Object({
  ssrc: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff })),
  rid: Type.Optional(Type.String({ maxLength: 32 })),
  codecPayloadType: Type.Optional(Type.Integer({ minimum: 0, maximum: 127 })),
  rtx: Type.Optional(Type.Object({ ssrc: Type.Integer({ minimum: 0, maximum: 0xffffffff }) })),
  dtx: Type.Optional(Type.Boolean()),
  scalabilityMode: Type.Optional(Type.String({ maxLength: 16 })),
  scaleResolutionDownBy: Type.Optional(Type.Number({ minimum: 1, maximum: 64 })),
  maxBitrate: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
  maxFramerate: Type.Optional(Type.Number({ minimum: 0, maximum: 240 })),
  active: Type.Optional(Type.Boolean()),
  networkPriority: Type.Optional(Type.String({ maxLength: 16 })),
  priority: Type.Optional(Type.String({ maxLength: 16 })),
  adaptivePtime: Type.Optional(Type.Boolean()),
});

export const RtpParameters = Type.Object({
  mid: Type.Optional(Type.String({ maxLength: 32 })),
  codecs: Type.Array(Codec, { minItems: 1, maxItems: 16 }),
  headerExtensions: Type.Optional(Type.Array(HeaderExtension, { maxItems: 24 })),
  encodings: Type.Optional(Type.Array(Encoding, { minItems: 1, maxItems: 4 })),
  rtcp: Type.Optional(
    Type.Object({
      cname: Type.Optional(Type.String({ maxLength: 256 })),
      reducedSize: Type.Optional(Type.Boolean()),
      mux: Type.Optional(Type.Boolean()),
    }),
  ),
});

const CapCodec = Type.Object({
  kind: Kind,
  mimeType: Type.String({ minLength: 3, maxLength: 64 }),
  preferredPayloadType: Type.Optional(Type.Integer({ minimum: 0, maximum: 127 })),
  clockRate: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  channels: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
  parameters: Type.Optional(Params),
  rtcpFeedback: Type.Optional(Type.Array(RtcpFeedback, { maxItems: 16 })),
});

const CapHeaderExtension = Type.Object({
  kind: Kind,
  uri: Type.String({ maxLength: 256 }),
  preferredId: Type.Integer({ minimum: 1, maximum: 255 }),
  preferredEncrypt: Type.Optional(Type.Boolean()),
  direction: Type.Optional(Type.String({ maxLength: 16 })),
});

export const RtpCapabilities = Type.Object({
  codecs: Type.Optional(Type.Array(CapCodec, { maxItems: 64 })),
  headerExtensions: Type.Optional(Type.Array(CapHeaderExtension, { maxItems: 32 })),
});

export const DtlsParameters = Type.Object({
  role: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('client'), Type.Literal('server')])),
  fingerprints: Type.Array(
    Type.Object({
      algorithm: Type.String({ maxLength: 16 }),
      value: Type.String({ maxLength: 256, pattern: '^[0-9A-Fa-f:]+$' }),
    }),
    { minItems: 1, maxItems: 8 },
  ),
});

const Hint = {
  viewportHeight: Type.Optional(Type.Integer({ minimum: 1, maximum: 8640 })),
  maxSpatialLayer: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
  bandwidthBps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000_000 })),
};

const strict = { additionalProperties: false } as const;

export const parseSession = compile(Type.Object({ sessionId: Id }, strict));
export const parseCreateTransport = compile(
  Type.Object({ sessionId: Id, type: Type.Union([Type.Literal('webrtc'), Type.Literal('plain')]) }, strict),
);
export const parseConnect = compile(
  Type.Object({ sessionId: Id, transportId: Uuid, dtlsParameters: DtlsParameters }, strict),
);
export const parseProduce = compile(
  Type.Object({ sessionId: Id, transportId: Uuid, kind: Kind, rtpParameters: RtpParameters }, strict),
);
export const parseConsume = compile(
  Type.Object(
    {
      sessionId: Id,
      transportId: Uuid,
      producerId: Uuid,
      rtpCapabilities: RtpCapabilities,
      hint: Type.Optional(Type.Object(Hint, strict)),
    },
    strict,
  ),
);
export const parseConsumer = compile(Type.Object({ sessionId: Id, consumerId: Uuid }, strict));
export const parseLayers = compile(Type.Object({ sessionId: Id, consumerId: Uuid, ...Hint }, strict));
export const parseTransport = compile(Type.Object({ sessionId: Id, transportId: Uuid }, strict));

// The contract types mediasoup's parameter objects as plain objects: those events are checked one way.
contractOf<MediaClientToServer>()(
  {
    'media:join': parseSession,
    'media:getRouterRtpCapabilities': parseSession,
    'media:createTransport': parseCreateTransport,
    'media:connectTransport': parseConnect,
    'media:produce': parseProduce,
    'media:consume': parseConsume,
    'media:resume': parseConsumer,
    'media:setPreferredLayers': parseLayers,
    'media:restartIce': parseTransport,
    'media:leave': parseSession,
    'media:stats': parseSession,
  },
  ['media:connectTransport', 'media:produce', 'media:consume'],
);
