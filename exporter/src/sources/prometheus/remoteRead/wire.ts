// Pure: the remote read protocol's messages (prompb/remote.proto, types.proto) as far as a streamed read needs them:
// the ReadRequest we send, and the frames of a ChunkedReadResponse (uvarint length, big-endian CRC-32C of the
// message, the message) we receive.
import { crc32c } from '@node-rs/crc32';
import protobuf from 'protobufjs/minimal.js';

const { Reader, Writer } = protobuf;

/** prompb.LabelMatcher.Type */
export type MatchOp = '=' | '!=' | '=~' | '!~';
const MATCH_TYPE: Record<MatchOp, number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** prompb.ReadRequest.ResponseType.STREAMED_XOR_CHUNKS */
const STREAMED_XOR_CHUNKS = 1;
/** prompb.Chunk.Encoding.XOR */
export const XOR_ENCODING = 1;

export interface ReadQuery {
  startMs: number;
  endMs: number;
  matchers: readonly LabelMatcher[];
}

/** The ReadRequest protobuf (before snappy), asking for streamed XOR chunks only. */
export function encodeReadRequest(queries: readonly ReadQuery[]): Uint8Array {
  const w = Writer.create();
  for (const q of queries) {
    w.uint32((1 << 3) | 2).fork();
    w.uint32((1 << 3) | 0).int64(q.startMs);
    w.uint32((2 << 3) | 0).int64(q.endMs);
    for (const m of q.matchers) {
      w.uint32((3 << 3) | 2).fork();
      w.uint32((1 << 3) | 0).int32(MATCH_TYPE[m.op]);
      w.uint32((2 << 3) | 2).string(m.name);
      w.uint32((3 << 3) | 2).string(m.value);
      w.ldelim();
    }
    w.ldelim();
  }
  w.uint32((2 << 3) | 0).int32(STREAMED_XOR_CHUNKS);
  return w.finish();
}

export interface Chunk {
  minMs: number;
  maxMs: number;
  encoding: number;
  data: Uint8Array;
}

export interface ChunkedSeries {
  labels: Record<string, string>;
  chunks: Chunk[];
}

export interface ChunkedReadResponse {
  series: ChunkedSeries[];
  queryIndex: number;
}

export class RemoteReadFormatError extends Error {
  constructor(message: string) {
    super(`remote read: ${message}`);
    this.name = 'RemoteReadFormatError';
  }
}

type ProtoReader = protobuf.Reader;
/**
 * A non-negative int64 varint as a number, read from the reader's buffer directly: protobufjs would allocate a Long
 * per value, and a chunk has two (millisecond timestamps fit a double exactly).
 */
function readTimestamp(r: ProtoReader): number {
  let v = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (r.pos >= r.len) throw new RangeError('index out of range');
    const b = r.buf[r.pos++]!;
    v += (b & 0x7f) * scale;
    if (b < 0x80) return v;
    scale *= 128;
  }
  throw new RangeError('varint longer than 10 bytes');
}

function readLabel(r: ProtoReader, end: number, into: Record<string, string>): void {
  let name = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) name = r.string();
    else if (tag >>> 3 === 2) value = r.string();
    else r.skipType(tag & 7);
  }
  into[name] = value;
}

function readChunk(r: ProtoReader, end: number): Chunk {
  const c: Chunk = { minMs: 0, maxMs: 0, encoding: 0, data: new Uint8Array(0) };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        c.minMs = readTimestamp(r);
        break;
      case 2:
        c.maxMs = readTimestamp(r);
        break;
      case 3:
        c.encoding = r.int32();
        break;
      case 4:
        c.data = r.bytes();
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return c;
}

function readSeries(r: ProtoReader, end: number): ChunkedSeries {
  const s: ChunkedSeries = { labels: {}, chunks: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1 || field === 2) {
      const len = r.uint32();
      const stop = r.pos + len;
      if (field === 1) readLabel(r, stop, s.labels);
      else s.chunks.push(readChunk(r, stop));
      r.pos = stop;
    } else r.skipType(tag & 7);
  }
  return s;
}

/** One ChunkedReadResponse message. */
export function decodeChunkedReadResponse(message: Uint8Array): ChunkedReadResponse {
  const r = Reader.create(message);
  const out: ChunkedReadResponse = { series: [], queryIndex: 0 };
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) {
        const len = r.uint32();
        const stop = r.pos + len;
        out.series.push(readSeries(r, stop));
        r.pos = stop;
      } else if (tag >>> 3 === 2) out.queryIndex = readTimestamp(r);
      else r.skipType(tag & 7);
    }
  } catch (err) {
    throw new RemoteReadFormatError(`a malformed ChunkedReadResponse (${(err as Error).message})`);
  }
  return out;
}

/** The frame length at `at` and where its checksum starts, or undefined when the varint is not all there yet. */
function frameHeader(buf: Buffer, at: number): { len: number; body: number } | undefined {
  let len = 0;
  let scale = 1;
  for (let p = at; p < buf.length;) {
    if (p - at >= 10) throw new RemoteReadFormatError('a frame length longer than 10 bytes');
    const b = buf[p++]!;
    len += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return { len, body: p };
  }
  return undefined;
}

/** Cuts a byte stream into the checked messages of its frames, whatever the stream's chunk boundaries. */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** bytes the frame at the head needs in all, once its length is known: pieces are joined only then */
  private needed = 0;

  /** The complete frames' messages so far; the rest is kept for the next push. */
  push(bytes: Buffer): Uint8Array[] {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes < this.needed) return [];
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    const out: Uint8Array[] = [];
    let at = 0;
    this.needed = 0;
    for (;;) {
      const head = frameHeader(buf, at);
      if (!head) break;
      const end = head.body + 4 + head.len;
      if (end > buf.length) {
        this.needed = end - at;
        break;
      }
      const message = buf.subarray(head.body + 4, end);
      if (crc32c(message) >>> 0 !== buf.readUInt32BE(head.body))
        throw new RemoteReadFormatError(`a frame of ${head.len} bytes fails its CRC-32C check`);
      out.push(message);
      at = end;
    }
    const rest = buf.subarray(at);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }

  /** Throws when the stream ended inside a frame. */
  end(): void {
    if (this.pendingBytes > 0)
      throw new RemoteReadFormatError(`the stream ended inside a frame (${this.pendingBytes} bytes left)`);
  }
}
