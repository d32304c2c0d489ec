// The socket.io contracts, one event map per namespace (ServerToClient and ClientToServer, payloads and
// acks). The gateway types its namespaces with them; browsers and tests type their sockets with them.
export type * from './ack.ts';
export type * from './consult.ts';
export type * from './host.ts';
export type * from './live.ts';
export type * from './media.ts';
export type * from './staff.ts';
