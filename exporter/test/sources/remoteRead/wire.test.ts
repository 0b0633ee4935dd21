import { crc32c } from '@node-rs/crc32';
import fc from 'fast-check';
import protobuf from 'protobufjs/minimal.js';
import { parseMatchers } from '../../../src/sources/prometheus/remoteRead/matchers';
import { promString } from '../../../src/sources/prometheus/promql';
import {
  decodeChunkedReadResponse,
  encodeReadRequest,
  FrameReader,
  RemoteReadFormatError,
} from '../../../src/sources/prometheus/remoteRead/wire';

/** One frame: uvarint length, big-endian CRC-32C, the message. */
function frame(message: Uint8Array, crc = crc32c(Buffer.from(message)) >>> 0): Buffer {
  const len = protobuf.Writer.create().uint32(message.length).finish();
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc);
  return Buffer.concat([len, sum, message]);
}

/** A ChunkedReadResponse of one series with one chunk, written field by field as prompb numbers them. */
function response(labels: Record<string, string>, data: Uint8Array, queryIndex = 0): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork();
  for (const [name, value] of Object.entries(labels)) {
    w.uint32((1 << 3) | 2).fork();
    w.uint32((1 << 3) | 2).string(name);
    w.uint32((2 << 3) | 2).string(value);
    w.ldelim();
  }
  w.uint32((2 << 3) | 2).fork();
  w.uint32((1 << 3) | 0).int64(1_796_342_400_000);
  w.uint32((2 << 3) | 0).int64(1_796_346_000_000);
  w.uint32((3 << 3) | 0).int32(1);
  w.uint32((4 << 3) | 2).bytes(data);
  w.ldelim();
  w.ldelim();
  w.uint32((2 << 3) | 0).int64(queryIndex);
  return w.finish();
}

describe('remote read frames', () => {
  it('cuts a stream into the same messages wherever its pieces break', () => {
    const messages = [
      response({ __name__: 'node_cpu_seconds_total', cpu: '0' }, Uint8Array.from([0, 0])),
      response({ __name__: 'x', mode: 'ünï "q"' }, new Uint8Array(300).fill(7), 1),
      response({}, new Uint8Array(70_000).fill(1), 2), // a length of 3 varint bytes
    ];
    const stream = Buffer.concat(messages.map((m) => frame(m)));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 20 }), (cuts) => {
        const reader = new FrameReader();
        const got: Uint8Array[] = [];
        let at = 0;
        for (const c of [...cuts.sort((a, b) => a - b), stream.length]) {
          got.push(...reader.push(stream.subarray(at, c)));
          at = c;
        }
        reader.end();
        expect(got.map((m) => Buffer.from(m).toString('hex'))).toEqual(
          messages.map((m) => Buffer.from(m).toString('hex'))
        );
      }),
      { numRuns: 200 }
    );
    const decoded = decodeChunkedReadResponse(messages[1]!);
    expect(decoded.queryIndex).toBe(1);
    expect(decoded.series).toEqual([
      {
        labels: { __name__: 'x', mode: 'ünï "q"' },
        chunks: [
          { minMs: 1_796_342_400_000, maxMs: 1_796_346_000_000, encoding: 1, data: expect.any(Uint8Array) as unknown },
        ],
      },
    ]);
    expect(decoded.series[0]!.chunks[0]!.data).toHaveLength(300);
  });

  it('rejects a frame whose checksum fails, and a stream that ends inside a frame', () => {
    const m = response({ a: 'b' }, Uint8Array.from([0, 0]));
    expect(() => new FrameReader().push(frame(m, 12345))).toThrow(RemoteReadFormatError);
    expect(() => new FrameReader().push(frame(m, 12345))).toThrow(/fails its CRC-32C check/);
    const reader = new FrameReader();
    expect(reader.push(frame(m).subarray(0, 9))).toEqual([]);
    expect(() => reader.end()).toThrow(/ended inside a frame \(9 bytes left\)/);
    expect(() => decodeChunkedReadResponse(Uint8Array.from([0x0a, 0x05, 1]))).toThrow(/malformed ChunkedReadResponse/);
  });

  it('asks for streamed XOR chunks with each matcher typed as prompb numbers them', () => {
    const req = encodeReadRequest([
      { startMs: 1000, endMs: 2000, matchers: [{ name: 'job', op: '=~', value: 'node|vm' }] },
    ]);
    // queries = 1 (a Query: start 1, end 2, matcher 3: type 1 = RE 2, name 2, value 3), accepted_response_types = 2
    const r = protobuf.Reader.create(req);
    expect(r.uint32()).toBe((1 << 3) | 2);
    const q = protobuf.Reader.create(r.bytes());
    expect([q.uint32(), Number(q.int64())]).toEqual([(1 << 3) | 0, 1000]);
    expect([q.uint32(), Number(q.int64())]).toEqual([(2 << 3) | 0, 2000]);
    expect(q.uint32()).toBe((3 << 3) | 2);
    const m = protobuf.Reader.create(q.bytes());
    expect([m.uint32(), m.int32(), m.uint32(), m.string(), m.uint32(), m.string()]).toEqual([
      8,
      2,
      18,
      'job',
      26,
      'node|vm',
    ]);
    expect([r.uint32(), r.int32()]).toEqual([(2 << 3) | 0, 1]);
  });
});

describe('label matchers from selector text', () => {
  it('reads back any value written as a PromQL string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (v) => {
        expect(parseMatchers(`{job="node", host!~${promString(v)}}`)).toEqual([
          { name: 'job', op: '=', value: 'node' },
          { name: 'host', op: '!~', value: v },
        ]);
      }),
      { numRuns: 300 }
    );
  });

  it("reads single quotes, backticks and Go's escapes", () => {
    expect(
      parseMatchers(`a='it''`.replace("''", "\\'") + `', b=\`raw\\n\`, c!="\\x41\\101\\u00e9\\U0001F600\\t"`)
    ).toEqual([
      { name: 'a', op: '=', value: "it'" },
      { name: 'b', op: '=', value: 'raw\\n' },
      { name: 'c', op: '!=', value: 'AAé😀\t' },
    ]);
    expect(parseMatchers('  ')).toEqual([]);
  });

  it('names what is wrong and where', () => {
    expect(() => parseMatchers('job=node')).toThrow(/a quoted value expected at offset 4/);
    expect(() => parseMatchers('job="node" mode="x"')).toThrow(/a comma expected at offset 11/);
    expect(() => parseMatchers('up{job="x"}')).toThrow(/one of =, !=, =~, !~ expected at offset 2/);
    expect(() => parseMatchers('job="x\\q"')).toThrow(/an unknown escape \\q/);
    expect(() => parseMatchers('job="x')).toThrow(/an unterminated string/);
  });
});
