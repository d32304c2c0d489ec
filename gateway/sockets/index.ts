// The socket.io namespaces, registered in one place: /live, /host, /staff and /media.
export { accessRevocation, accessRoom, type PersonAccessSource, SocketAccess } from './access.ts';
export { type SocketData, socketAuth } from './auth.ts';
export {
  type LiveSalesPort,
  type Realtime,
  type RealtimeCommerce,
  type RealtimeDeps,
  registerRealtime,
} from './realtime.ts';
export { createSocketServer, type SocketServer, type SocketServerOptions } from './server.ts';
