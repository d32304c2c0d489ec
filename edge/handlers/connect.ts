// CONNECT: a device authenticates with its id as both client id and username, and its secret as the
// password. CONNACK return codes (MQTT 3.1.1 §3.2.2.3): 4 bad user name or password, 5 not authorised.
import type { AuthenticateError, Client } from 'aedes';
import type { DeviceContext } from './context.ts';

export type ConnectHandler = (
  client: Client,
  username: string | undefined,
  password: Buffer | undefined,
  done: (err: AuthenticateError | null, ok: boolean | null) => void,
) => void;

function refusal(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export function connectHandler(ctx: DeviceContext): ConnectHandler {
  return (client, username, password, done) => {
    // The client id must be the device id: ACLs, presence and kicks all key on it.
    if (!username || !password || client.id !== username) {
      done(refusal('bad credentials', 4), false);
      return;
    }
    const res = ctx.devices.verify(username, password.toString('utf8'));
    if (res === 'bad') {
      done(refusal('bad credentials', 4), false);
      return;
    }
    if (res === 'disabled') {
      done(refusal('device disabled', 5), false);
      return;
    }
    done(null, true);
  };
}
