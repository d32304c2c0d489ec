// The socket.io namespaces, registered in one place: /live, /host, /staff and /media.
import type { Server } from 'socket.io';
import type { RouteDeps } from '../routes/index.ts';

export { type SocketData, socketAuth } from './auth.ts';
export { createSocketServer, type SocketServer, type SocketServerOptions } from './server.ts';

export async function registerNamespaces(_io: Server, _deps: RouteDeps): Promise<void> {
  // Namespace handlers register here.
}
