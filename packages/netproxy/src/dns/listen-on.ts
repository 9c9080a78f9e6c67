import type { Socket as UdpSocket } from 'node:dgram';
import { Server as TcpServer } from 'node:net';

/**
 * Binds a UDP socket or listens with a TCP server on `address:port`;
 * resolves with the bound port (the OS's pick when `port` is 0).
 *
 * Guarantees: a bind failure (`EADDRINUSE`, an address that is not local)
 * rejects with the socket's error instead of surfacing as an unhandled
 * `error` event; the rejected socket is closed.
 */
export function listenOn(socket: UdpSocket | TcpServer, port: number, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once('error', failed);
    const listening = () => {
      socket.off('error', failed);
      const bound = socket.address();
      resolve(typeof bound === 'object' && bound !== null ? bound.port : port);
    };
    if (socket instanceof TcpServer) socket.listen(port, address, listening);
    else socket.bind(port, address, listening);
  });
}
