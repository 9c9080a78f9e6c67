import { PassThrough, Writable } from 'node:stream';

/** Per-stream buffer between Docker's socket and the session's reader. */
export const DEMUX_HIGH_WATER_MARK = 64 * 1024;

/**
 * Splits Docker's multiplexed stream (8-byte headers: stream type, three
 * zero bytes, big-endian length) into stdout and stderr with backpressure:
 * a payload is handed on only while its reader keeps up, so a container
 * that floods its output is held at the socket (dockerode's `demuxStream`
 * writes on regardless and buffers without bound).
 */
export class DockerStreamDemuxer extends Writable {
  /** The process's stdout. */
  readonly stdout = new PassThrough({ highWaterMark: DEMUX_HIGH_WATER_MARK });
  /** The process's stderr. */
  readonly stderr = new PassThrough({ highWaterMark: DEMUX_HIGH_WATER_MARK });
  private pending: Buffer = Buffer.alloc(0);

  constructor() {
    super({ highWaterMark: DEMUX_HIGH_WATER_MARK });
    this.once('finish', () => this.endOutputs());
    this.once('close', () => this.endOutputs());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.drainFrames(done);
  }

  private drainFrames(done: (err?: Error | null) => void): void {
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const target = this.pending[0] === 2 ? this.stderr : this.stdout;
      const payload = this.pending.subarray(8, 8 + size);
      this.pending = this.pending.subarray(8 + size);
      if (target.destroyed || target.writableEnded) continue;
      if (!target.write(payload)) {
        target.once('drain', () => this.drainFrames(done));
        return;
      }
    }
    done();
  }

  private endOutputs(): void {
    if (!this.stdout.writableEnded) this.stdout.end();
    if (!this.stderr.writableEnded) this.stderr.end();
  }
}
