import type { Socket } from 'socket.io';
import type { AuthenticationGuard } from './authentication.guard';
import type { Principal } from './principal';

/**
 * Checks a Socket.IO handshake's credentials (`auth: { token }`, or the Authorization / X-API-Key
 * headers) with the HTTP API's rules; undefined when they are missing or refused.
 */
export async function authenticateSocket(auth: AuthenticationGuard, client: Socket): Promise<Principal | undefined> {
  try {
    const token = typeof client.handshake.auth?.token === 'string' ? client.handshake.auth.token : undefined;
    const headers = token ? { authorization: `Bearer ${token}` } : (client.handshake.headers as Record<string, string>);
    return await auth.authenticate(headers);
  } catch {
    return undefined;
  }
}
