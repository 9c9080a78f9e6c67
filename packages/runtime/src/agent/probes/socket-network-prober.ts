import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { NetworkProber, ProbeOutcome } from '../../cri/network-prober.js';

/**
 * Probes over real sockets, as the kubelet does: HTTP GET with the probe's
 * headers (success for 200..399, redirects not followed) and TCP connect.
 * Certificates are not verified for HTTPS, as in Kubernetes.
 */
export class SocketNetworkProber implements NetworkProber {
  httpGet(req: Parameters<NetworkProber['httpGet']>[0]): Promise<ProbeOutcome> {
    return new Promise((resolve) => {
      const request = (req.scheme === 'HTTPS' ? httpsRequest : httpRequest)(
        {
          host: req.host,
          port: req.port,
          path: req.path,
          method: 'GET',
          headers: Object.fromEntries([
            ['User-Agent', 'kube-probe/1.31'],
            ...req.headers.map((h) => [h.name, h.value]),
          ]),
          timeout: req.timeoutMs,
          rejectUnauthorized: false,
        },
        (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          resolve(
            status >= 200 && status < 400
              ? { success: true }
              : { success: false, message: `HTTP probe failed with statuscode: ${status}` },
          );
        },
      );
      request.once('timeout', () => {
        request.destroy();
        resolve({
          success: false,
          message: `Get ${req.host}:${req.port}${req.path}: timeout after ${req.timeoutMs}ms`,
        });
      });
      request.once('error', (err) => resolve({ success: false, message: err.message }));
      request.end();
    });
  }

  tcpSocket(req: Parameters<NetworkProber['tcpSocket']>[0]): Promise<ProbeOutcome> {
    return new Promise((resolve) => {
      const socket = connect({ host: req.host, port: req.port, timeout: req.timeoutMs });
      socket.once('connect', () => {
        socket.destroy();
        resolve({ success: true });
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve({ success: false, message: `dial tcp ${req.host}:${req.port}: i/o timeout` });
      });
      socket.once('error', (err) => resolve({ success: false, message: err.message }));
    });
  }
}
