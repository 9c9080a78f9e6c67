/** The outcome of one probe attempt. */
export interface ProbeOutcome {
  success: boolean;
  /** Why it failed, for events and logs. */
  message?: string;
}

/**
 * Reaches a pod's ports for httpGet and tcpSocket probes. The default
 * (`SocketNetworkProber` in the agent) opens real connections; FakeRuntime
 * implements it from its scripts, because simulated pods have no network.
 */
export interface NetworkProber {
  /** Success for any HTTP status in 200..399, as the kubelet. */
  httpGet(req: {
    host: string;
    port: number;
    path: string;
    scheme: 'HTTP' | 'HTTPS';
    headers: { name: string; value: string }[];
    timeoutMs: number;
  }): Promise<ProbeOutcome>;
  /** Success if a TCP connection opens within the timeout. */
  tcpSocket(req: { host: string; port: number; timeoutMs: number }): Promise<ProbeOutcome>;
}
