// TypeBox schemas of every /consult payload; the parameter objects reuse the /media bounds.
import { Type } from 'typebox';
import type { ConsultClientToServer } from '../../../protocols/index.ts';
import { DtlsParameters, RtpCapabilities, RtpParameters } from '../media/schemas.ts';
import { compile, contractOf } from '../validate.ts';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Kind = Type.Union([Type.Literal('audio'), Type.Literal('video')]);
const strict = { additionalProperties: false } as const;

export const parseConsultation = compile(Type.Object({ consultationId: Id }, strict));
export const parseConnect = compile(
  Type.Object({ consultationId: Id, transportId: Id, dtlsParameters: DtlsParameters }, strict),
);
export const parseProduce = compile(
  Type.Object({ consultationId: Id, transportId: Id, kind: Kind, rtpParameters: RtpParameters }, strict),
);
export const parseConsume = compile(
  Type.Object(
    { consultationId: Id, transportId: Id, producerId: Id, rtpCapabilities: RtpCapabilities },
    strict,
  ),
);
export const parseConsumer = compile(Type.Object({ consultationId: Id, consumerId: Id }, strict));

contractOf<ConsultClientToServer>()(
  {
    'consult:join': parseConsultation,
    'consult:createTransport': parseConsultation,
    'consult:connectTransport': parseConnect,
    'consult:produce': parseProduce,
    'consult:consume': parseConsume,
    'consult:resume': parseConsumer,
    'consult:leave': parseConsultation,
  },
  ['consult:connectTransport', 'consult:produce', 'consult:consume'],
);
