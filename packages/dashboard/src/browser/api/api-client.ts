import { bearerProtocol } from '../model/exec-channels.js';

/** A Kubernetes `Status` as the server sends it with a refusal. */
export interface StatusBody {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
}

/** A request the server refused (or could not answer): its code, reason and message, as the server gave them. */
export class ApiRefusal extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRefusal';
  }

  /** `403 Forbidden: pods "x" is forbidden: ...`, the line the page shows. */
  describe(): string {
    return `${this.code} ${this.reason}: ${this.message}`;
  }
}

/** Content types of the writes the dashboard sends (the ones kubectl sends for the same actions). */
export const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** The field manager the dashboard's server-side applies record in `managedFields`. */
export const FIELD_MANAGER = 'flotilla-dashboard';

/**
 * Every call the dashboard makes goes through here: the Kubernetes REST API
 * on `base` (the page's origin by default), with the viewer's bearer token
 * when one was given, so the server authorizes the viewer as it would kubectl.
 */
export class ApiClient {
  constructor(
    readonly base: string,
    private readonly token: string | undefined,
    /** The page's address: what a relative `base` is resolved against for a WebSocket's absolute URL. */
    private readonly pageUrl = '',
  ) {}

  /** Headers every request carries. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token ? { ...extra, Authorization: `Bearer ${this.token}` } : extra;
  }

  /** Sends one request; resolves with the decoded JSON body, rejects with an `ApiRefusal` for any non-2xx answer. */
  async request<T>(method: string, path: string, body?: string, contentType?: string): Promise<T> {
    const init: RequestInit = {
      method,
      headers: this.headers({ Accept: 'application/json', ...(contentType ? { 'Content-Type': contentType } : {}) }),
    };
    if (body !== undefined) init.body = body;
    const res = await fetch(this.base + path, init);
    const text = await res.text();
    if (!res.ok) throw refusalOf(res.status, res.statusText, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Opens a streamed GET (a watch's JSON events, a followed log's lines); the body is read as it comes. */
  async openStream(path: string, signal: AbortSignal, accept = 'application/json'): Promise<Response> {
    const res = await fetch(this.base + path, { headers: this.headers({ Accept: accept }), signal });
    if (!res.ok) throw refusalOf(res.status, res.statusText, await res.text());
    return res;
  }

  /**
   * A WebSocket to `path` (a shell's `pods/exec`) offering `protocols`, with
   * the viewer's token as the extra subprotocol kube-apiserver takes from a
   * browser (which cannot set `Authorization` on a WebSocket).
   */
  webSocket(path: string, protocols: string[]): WebSocket {
    const url = new URL(this.base + path, this.pageUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url, this.token ? [...protocols, bearerProtocol(this.token)] : protocols);
    socket.binaryType = 'arraybuffer';
    return socket;
  }
}

/** The refusal a response body describes: its Status when it is one, else the HTTP status line. */
export function refusalOf(code: number, statusText: string, text: string): ApiRefusal {
  try {
    const status = JSON.parse(text) as StatusBody;
    if (status.kind === 'Status') {
      return new ApiRefusal(status.code ?? code, status.reason ?? statusText, status.message ?? text);
    }
  } catch {
    // Not JSON: a proxy's or gateway's own page; the status line is all there is to show.
  }
  return new ApiRefusal(code, statusText || 'Error', text.slice(0, 500));
}
