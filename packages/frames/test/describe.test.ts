/** describeFrame's log lines and the small frame helpers. */
import { describe, expect, it } from 'vitest';
import { Flag, describeFrame, hasFlag, isControlFrame } from '@spdy/frames';
import type { Frame } from '@spdy/frames';

const cases: Array<[Frame, string]> = [
  [{ type: 'DATA', streamId: 1, flags: Flag.FIN, data: new Uint8Array(5) }, 'DATA stream=1 flags=FIN length=5B'],
  [
    { type: 'SYN_STREAM', flags: 0x03, streamId: 2, associatedStreamId: 1, priority: 3, slot: 0, headerBlock: new Uint8Array(123) },
    'SYN_STREAM stream=2 assoc=1 pri=3 slot=0 flags=FIN|UNIDIRECTIONAL headerBlock=123B',
  ],
  [{ type: 'SYN_REPLY', flags: 0, streamId: 1, headerBlock: new Uint8Array(7) }, 'SYN_REPLY stream=1 flags=0 headerBlock=7B'],
  [{ type: 'HEADERS', flags: 0x81, streamId: 1, headerBlock: new Uint8Array(0) }, 'HEADERS stream=1 flags=FIN|0x80 headerBlock=0B'],
  [{ type: 'RST_STREAM', flags: 0, streamId: 5, status: 5 }, 'RST_STREAM stream=5 status=CANCEL flags=0'],
  [{ type: 'RST_STREAM', flags: 0, streamId: 5, status: 0 }, 'RST_STREAM stream=5 status=UNKNOWN(0) flags=0'],
  [
    {
      type: 'SETTINGS',
      flags: 1,
      entries: [
        { id: 4, flags: 1, value: 100 },
        { id: 7, flags: 0, value: 65536 },
        { id: 99, flags: 2, value: 1 },
      ],
    },
    'SETTINGS flags=CLEAR_SETTINGS entries=[MAX_CONCURRENT_STREAMS=100 PERSIST_VALUE, INITIAL_WINDOW_SIZE=65536, UNKNOWN(99)=1 PERSISTED]',
  ],
  [{ type: 'NOOP', flags: 0 }, 'NOOP flags=0'],
  [{ type: 'PING', flags: 0, id: 0xffffffff }, 'PING id=4294967295 flags=0'],
  [{ type: 'GOAWAY', flags: 0, lastGoodStreamId: 7, status: 1 }, 'GOAWAY lastGoodStream=7 status=PROTOCOL_ERROR flags=0'],
  [{ type: 'WINDOW_UPDATE', flags: 0, streamId: 0, deltaWindowSize: 1024 }, 'WINDOW_UPDATE stream=0 delta=1024 flags=0'],
  [
    { type: 'CREDENTIAL', flags: 0, slot: 1, proof: new Uint8Array(32), certificates: [new Uint8Array(100), new Uint8Array(200)] },
    'CREDENTIAL slot=1 flags=0 proof=32B certificates=[100B, 200B]',
  ],
  [{ type: 'UNKNOWN', version: 3, frameType: 0xf000, flags: 0x10, payload: new Uint8Array(4) }, 'UNKNOWN version=3 type=61440 flags=0x10 payload=4B'],
];

describe('describeFrame', () => {
  for (const [frame, line] of cases) {
    it(frame.type, () => expect(describeFrame(frame)).toBe(line));
  }
});

describe('helpers', () => {
  it('hasFlag tests one or more bits', () => {
    const frame: Frame = { type: 'SYN_STREAM', flags: 0x03, streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, headerBlock: new Uint8Array() };
    expect(hasFlag(frame, Flag.FIN)).toBe(true);
    expect(hasFlag(frame, Flag.FIN | Flag.UNIDIRECTIONAL)).toBe(true);
    expect(hasFlag({ ...frame, flags: 0x02 }, Flag.FIN)).toBe(false);
    expect(hasFlag(frame, 0)).toBe(false);
  });

  it('isControlFrame is false only for DATA', () => {
    expect(isControlFrame({ type: 'DATA', streamId: 1, flags: 0, data: new Uint8Array() })).toBe(false);
    expect(isControlFrame({ type: 'NOOP', flags: 0 })).toBe(true);
  });
});

describe('frameFlagNames and settingsEntryFlagNames', () => {
  it('names the bits each frame type defines and shows the others in hex', async () => {
    const { frameFlagNames, settingsEntryFlagNames } = await import('@spdy/frames');
    expect(frameFlagNames('SYN_STREAM', 0x03, 3)).toEqual(['FIN', 'UNIDIRECTIONAL']);
    expect(frameFlagNames('SYN_REPLY', 0x03, 3)).toEqual(['FIN', '0x02']);
    expect(frameFlagNames('DATA', 0x02, 2)).toEqual(['COMPRESS']);
    expect(frameFlagNames('DATA', 0x02, 3)).toEqual(['0x02']);
    expect(frameFlagNames('PING', 0x80, 3)).toEqual(['0x80']);
    expect(frameFlagNames('SETTINGS', 0x01, 2)).toEqual(['CLEAR_SETTINGS']);
    expect(settingsEntryFlagNames(0x03)).toEqual(['PERSIST_VALUE', 'PERSISTED']);
    expect(settingsEntryFlagNames(0)).toEqual([]);
  });
});
