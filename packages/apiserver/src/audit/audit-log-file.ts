import { createWriteStream, type WriteStream } from 'node:fs';
import type { AuditEvent, AuditSink } from './audit-event.js';

/** An audit log file (`--audit-log-path`): one JSON event per line, appended. */
export interface AuditLogFile extends AuditSink {
  /** Flushes what was written and closes the file. */
  close(): Promise<void>;
}

/** Opens `path` for appending audit events as JSON lines, as kube-apiserver's log backend writes them. */
export function auditLogFile(path: string): AuditLogFile {
  const stream: WriteStream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  return {
    write: (event: AuditEvent) => void stream.write(`${JSON.stringify(event)}\n`),
    close: () =>
      new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve()))),
  };
}
