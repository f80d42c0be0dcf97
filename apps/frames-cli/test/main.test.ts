import { readFileSync } from 'node:fs';
import { encodeFrame, type Frame } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../src/main.js';
import { fixture, run } from './io.js';

const capture = readFileSync(fixture('spdy-transport-server-to-client.bin'));
const lines = (text: string) => text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const frame = (f: Frame, version: 2 | 3 = 3) => encodeFrame(f, version);
const ping = frame({ type: 'PING', flags: 0, id: 7 });

describe('decode on malformed input', () => {
  it('prints the frames before a truncation, then where the input ends inside a frame, and exits 1', async () => {
    // The capture's third frame (SYN_REPLY) starts at byte 36: cut it in half.
    const result = await run(['decode', '-'], capture.subarray(0, 60));
    expect(result.code).toBe(1);
    expect(lines(result.stdout).map((f) => f.type)).toEqual(['SETTINGS', 'WINDOW_UPDATE']);
    expect(result.stderr).toMatch(/^spdy-frames: malformed input at byte 36, after 2 frames$/m);
    expect(result.stderr).toMatch(/frame: +SYN_REPLY/);
    expect(result.stderr).toMatch(/answer: GOAWAY/);
    // The frames reach standard output before the fault reaches standard error.
    expect(result.order).toEqual(['out', 'err']);
  });

  it('names a session error by its GOAWAY status (SYN_STREAM on stream 0 is a PROTOCOL_ERROR, §2.6.1)', async () => {
    const bad = frame({ type: 'SYN_STREAM', flags: 0, streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, headerBlock: new Uint8Array() });
    bad[7 + 4] = 0; // stream id 1 -> 0 (the id's low byte is the 12th byte of the frame)
    const result = await run(['decode', '-'], concat(ping, bad));
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toHaveLength(1);
    expect(result.stderr).toMatch(/malformed input at byte 12, after 1 frame$/m);
    expect(result.stderr).toMatch(/answer: GOAWAY PROTOCOL_ERROR \(status 1\)/);
  });

  it('names a stream error by its RST_STREAM status and stream (a DATA frame above --max-frame-size)', async () => {
    const data = frame({ type: 'DATA', streamId: 5, flags: 0, data: new Uint8Array(9000) });
    const result = await run(['decode', '--max-frame-size', '8192', '-'], concat(ping, data));
    expect(result.code).toBe(1);
    expect(lines(result.stdout).map((f) => f.type)).toEqual(['PING']);
    expect(result.stderr).toMatch(/malformed input at byte 12/);
    expect(result.stderr).toMatch(/frame: +DATA, stream 5/);
    expect(result.stderr).toMatch(/answer: RST_STREAM FRAME_TOO_LARGE \(status 11\) on stream 5/);
  });

  it('reports a corrupt header block with the frame that carried it', async () => {
    // Header blocks of the capture without the one before them: the zlib stream starts mid-way.
    const syn = frame({
      type: 'SYN_STREAM', flags: 0, streamId: 1, associatedStreamId: 0, priority: 0, slot: 0,
      headerBlock: new Uint8Array([0x00, 0x01, 0x02, 0x03, 0x04, 0x05]),
    });
    const result = await run(['decode', '-'], concat(ping, syn));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/malformed input at byte 12/);
    expect(result.stderr).toMatch(/frame: +SYN_STREAM, stream 1/);
    expect(result.stderr).toMatch(/answer: GOAWAY PROTOCOL_ERROR/);
  });

  it('refuses text that is not hex with --hex, naming the line', async () => {
    const result = await run(['decode', '--hex', '-'], '80 03\nzz\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not hex on line 2/);
  });
});

describe('decode output', () => {
  it('shows DATA as hex by default, as text with --data utf8 (hex when not UTF-8), or only its length', async () => {
    const input = concat(
      frame({ type: 'DATA', streamId: 1, flags: 0, data: new TextEncoder().encode('hi') }),
      frame({ type: 'DATA', streamId: 1, flags: 1, data: new Uint8Array([0xff, 0xfe]) }),
    );
    const asHex = lines((await run(['decode', '-'], input)).stdout);
    expect(asHex.map((f) => f.data)).toEqual(['6869', 'fffe']);
    const asText = lines((await run(['decode', '--data', 'utf8', '-'], input)).stdout);
    expect(asText.map((f) => [f.text, f.data])).toEqual([['hi', undefined], [undefined, 'fffe']]);
    const bare = lines((await run(['decode', '--data', 'none', '-'], input)).stdout);
    expect(bare.map((f) => [f.length, 'data' in f || 'text' in f])).toEqual([[2, false], [2, false]]);
  });

  it('names flags and statuses, and shows unknown flag bits in hex', async () => {
    const input = concat(
      frame({ type: 'RST_STREAM', flags: 0, streamId: 3, status: 5 }),
      frame({ type: 'GOAWAY', flags: 0, lastGoodStreamId: 1, status: 2 }),
      frame({ type: 'DATA', streamId: 1, flags: 0x41, data: new Uint8Array() }),
    );
    const [rst, goaway, data] = lines((await run(['decode', '-'], input)).stdout);
    expect(rst).toMatchObject({ type: 'RST_STREAM', streamId: 3, status: 5, statusName: 'CANCEL' });
    expect(goaway).toMatchObject({ type: 'GOAWAY', lastGoodStreamId: 1, status: 2, statusName: 'INTERNAL_ERROR' });
    expect(data).toMatchObject({ flags: 0x41, flagNames: ['FIN', '0x40'] });
  });

  it('surfaces unknown control frames with their raw payload', async () => {
    const unknown = new Uint8Array([0x80, 0x03, 0x00, 0x63, 0x00, 0x00, 0x00, 0x02, 0xca, 0xfe]);
    const result = await run(['decode', '-'], unknown);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      { type: 'UNKNOWN', offset: 0, length: 2, flags: 0, flagNames: [], version: 3, frameType: 99, frameTypeName: 'UNKNOWN(99)', payload: 'cafe' },
    ]);
    const back = await run(['encode', '-'], result.stdout);
    expect(back.bytes).toEqual(unknown);
  });

  it('prints nothing and exits 0 for empty input', async () => {
    expect(await run(['decode', '-'], '')).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});

describe('encode', () => {
  it('names the first line that is not a frame, and exits 1', async () => {
    const good = '{"type":"PING","flags":0,"id":1}';
    for (const [bad, message] of [
      ['{"type":"PING"', /line 2: .*JSON/],
      ['{"type":"PANG","id":1}', /line 2: unknown frame type "PANG"/],
      ['{"type":"PING","id":-1}', /line 2: "id" must be a non-negative integer/],
      ['{"type":"DATA","streamId":1,"length":3}', /line 2: DATA has neither "data" \(hex\) nor "text"/],
      ['{"type":"SYN_REPLY","streamId":1,"headers":[["a"]]}', /line 2: headers\[0\] must be a \[name, value\] pair/],
    ] as const) {
      const result = await run(['encode', '-'], `${good}\n${bad}\n`);
      expect(result.code, bad).toBe(1);
      expect(result.stderr, bad).toMatch(message);
      expect(result.bytes, bad).toHaveLength(0);
    }
  });

  it('takes numbers from the JSON and ignores the names beside them', async () => {
    const result = await run(['encode', '-'], '{"type":"RST_STREAM","streamId":1,"status":5,"statusName":"PROTOCOL_ERROR","flagNames":["FIN"]}\n');
    expect(result.bytes).toEqual(frame({ type: 'RST_STREAM', flags: 0, streamId: 1, status: 5 }));
  });

  it('writes SPDY/2 frames with --version 2', async () => {
    const result = await run(['encode', '--version', '2', '-'], '{"type":"NOOP"}\n');
    expect(result.bytes).toEqual(new Uint8Array([0x80, 0x02, 0x00, 0x05, 0, 0, 0, 0]));
  });
});

describe('arguments', () => {
  it('prints the usage with --help', async () => {
    const result = await run(['--help']);
    expect(result).toMatchObject({ code: 0, stdout: `${USAGE}\n`, stderr: '' });
  });

  it.each([
    [[], /a command is needed/],
    [['dump'], /unknown command "dump"/],
    [['decode', '--version', '4'], /--version must be 2, 3 or 3.1/],
    [['decode', '--data', 'base64'], /--data must be hex, utf8 or none/],
    [['decode', '--max-frame-size', '1e4'], /--max-frame-size must be an integer/],
    [['decode', '--max-frame-size', '100'], /--max-frame-size must be an integer from 8192/],
    [['encode', '--level', '10'], /--level must be an integer from 0 to 9/],
    [['decode', '--colour'], /Unknown option '--colour'/],
    [['decode', 'a', 'b'], /one input at most/],
    [['decode', '/nonexistent/capture.bin'], /cannot read \/nonexistent\/capture.bin/],
  ])('exits 2 on %j', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Try 'spdy-frames --help'/);
  });

  it('treats --version 3.1 as version 3 on the wire', async () => {
    const as31 = await run(['encode', '--version', '3.1', '-'], '{"type":"PING","id":1}\n');
    const as3 = await run(['encode', '--version', '3', '-'], '{"type":"PING","id":1}\n');
    expect(as31.bytes).toEqual(as3.bytes);
    expect(as31.bytes[1]).toBe(3);
  });
});
