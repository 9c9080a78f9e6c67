/**
 * The `v5.channel.k8s.io` WebSocket subprotocol of `pods/exec`: every binary
 * message starts with its channel's number; the rest is that stream's bytes.
 */
export const EXEC_PROTOCOL = 'v5.channel.k8s.io';

/** The channels of an exec stream. */
export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** A message for the server: `data` on `channel`. */
export function channelFrame(channel: number, data: Uint8Array): Uint8Array {
  const frame = new Uint8Array(data.length + 1);
  frame[0] = channel;
  frame.set(data, 1);
  return frame;
}

/** v5's half-close: no more stdin (the process reads end of file), the connection stays open for the output. */
export function closeStdinFrame(): Uint8Array {
  return Uint8Array.of(CHANNEL.close, CHANNEL.stdin);
}

/** A message from the server, split into its channel and bytes (undefined for an empty message). */
export function splitFrame(frame: Uint8Array): { channel: number; data: Uint8Array } | undefined {
  if (frame.length === 0) return undefined;
  return { channel: frame[0], data: frame.subarray(1) };
}

/** The `Status` the server sends on the error channel when the process ends. */
interface ExecStatus {
  status?: string;
  reason?: string;
  message?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/**
 * How the process ended, from the error channel's Status: `Success` is exit
 * code 0; `NonZeroExitCode` names the code in its `ExitCode` cause; any
 * other failure (the command could not start) is reported by its message.
 */
export function exitOf(text: string): { exitCode: number } | { failure: string } {
  let status: ExecStatus;
  try {
    status = JSON.parse(text) as ExecStatus;
  } catch {
    return { failure: text };
  }
  if (status.status === 'Success') return { exitCode: 0 };
  const code = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
  if (status.reason === 'NonZeroExitCode' && code !== undefined && /^\d+$/.test(code)) {
    return { exitCode: Number(code) };
  }
  return { failure: status.message ?? text };
}

/**
 * The subprotocol that carries a bearer token on a browser's WebSocket (a
 * browser cannot set `Authorization` there): kube-apiserver reads
 * `base64url.bearer.authorization.k8s.io.` and the token in unpadded
 * base64url, and never passes it on.
 */
export function bearerProtocol(token: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(token)) binary += String.fromCharCode(byte);
  const encoded = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `base64url.bearer.authorization.k8s.io.${encoded}`;
}
