/** Small helpers over frames: a one-line log form, flag tests, the control/data split. */

import { Flag, goawayStatusName, rstStatusName, settingsIdName, SettingsFlag, type WireVersion } from './constants.js';
import type { ControlFrame, Frame, FrameKind } from './types.js';

/** Whether `frame` is a control frame (anything but DATA). */
export function isControlFrame(frame: Frame): frame is ControlFrame {
  return frame.type !== 'DATA';
}

/** Whether `flag` (one or more bits) is set on `frame`. */
export function hasFlag(frame: Frame, flag: number): boolean {
  return (frame.flags & flag) === flag && flag !== 0;
}

type BitNames = ReadonlyArray<readonly [number, string]>;

const FIN: BitNames = [[Flag.FIN, 'FIN']];
const SETTINGS_ENTRY_FLAGS: BitNames = [
  [SettingsFlag.PERSIST_VALUE, 'PERSIST_VALUE'],
  [SettingsFlag.PERSISTED, 'PERSISTED'],
];

/** The flag bits each frame type defines; COMPRESS exists on DATA in SPDY/2 only. */
function flagTable(type: FrameKind, version: WireVersion): BitNames {
  switch (type) {
    case 'DATA':
      return version === 2 ? [...FIN, [Flag.DATA_COMPRESS, 'COMPRESS']] : FIN;
    case 'SYN_STREAM':
      return [...FIN, [Flag.UNIDIRECTIONAL, 'UNIDIRECTIONAL']];
    case 'SYN_REPLY':
    case 'HEADERS':
      return FIN;
    case 'SETTINGS':
      return [[Flag.SETTINGS_CLEAR_SETTINGS, 'CLEAR_SETTINGS']];
    default:
      return [];
  }
}

/** Names of the set bits, lowest first; a bit the type does not define shows as hex, so nothing set is hidden. */
function bitNames(flags: number, table: BitNames): string[] {
  const names: string[] = [];
  for (let bit = 1; bit <= 0x80; bit <<= 1) {
    if ((flags & bit) === 0) continue;
    const known = table.find(([value]) => value === bit);
    names.push(known ? known[1] : `0x${bit.toString(16).padStart(2, '0')}`);
  }
  return names;
}

/** The spec's names of the flags set on a frame of `type`, e.g. `['FIN', 'UNIDIRECTIONAL']`. */
export function frameFlagNames(type: FrameKind, flags: number, version: WireVersion): string[] {
  return bitNames(flags, flagTable(type, version));
}

/** The spec's names of the flags of one SETTINGS entry, e.g. `['PERSIST_VALUE']`. */
export function settingsEntryFlagNames(flags: number): string[] {
  return bitNames(flags, SETTINGS_ENTRY_FLAGS);
}

function joinFlags(names: readonly string[]): string {
  return names.length === 0 ? '0' : names.join('|');
}

/**
 * A one-line human form of a frame for logs, e.g.
 * `SYN_STREAM stream=1 assoc=0 pri=0 slot=0 flags=FIN headerBlock=123B`.
 * Payload bytes are summarised by their size, never printed. `version`
 * matters only for SPDY/2's DATA COMPRESS flag.
 */
export function describeFrame(frame: Frame, version: WireVersion = 3): string {
  const flags = `flags=${joinFlags(frameFlagNames(frame.type, frame.flags, version))}`;
  switch (frame.type) {
    case 'DATA':
      return `DATA stream=${frame.streamId} ${flags} length=${frame.data.length}B`;
    case 'SYN_STREAM':
      return `SYN_STREAM stream=${frame.streamId} assoc=${frame.associatedStreamId} pri=${frame.priority} slot=${frame.slot} ${flags} headerBlock=${frame.headerBlock.length}B`;
    case 'SYN_REPLY':
    case 'HEADERS':
      return `${frame.type} stream=${frame.streamId} ${flags} headerBlock=${frame.headerBlock.length}B`;
    case 'RST_STREAM':
      return `RST_STREAM stream=${frame.streamId} status=${rstStatusName(frame.status)} ${flags}`;
    case 'SETTINGS': {
      const entries = frame.entries.map((e) => {
        const entryFlags = settingsEntryFlagNames(e.flags);
        return `${settingsIdName(e.id)}=${e.value}${entryFlags.length ? ` ${entryFlags.join('|')}` : ''}`;
      });
      return `SETTINGS ${flags} entries=[${entries.join(', ')}]`;
    }
    case 'NOOP':
      return `NOOP ${flags}`;
    case 'PING':
      return `PING id=${frame.id} ${flags}`;
    case 'GOAWAY':
      return `GOAWAY lastGoodStream=${frame.lastGoodStreamId} status=${goawayStatusName(frame.status)} ${flags}`;
    case 'WINDOW_UPDATE':
      return `WINDOW_UPDATE stream=${frame.streamId} delta=${frame.deltaWindowSize} ${flags}`;
    case 'CREDENTIAL':
      return `CREDENTIAL slot=${frame.slot} ${flags} proof=${frame.proof.length}B certificates=[${frame.certificates.map((c) => `${c.length}B`).join(', ')}]`;
    case 'UNKNOWN':
      return `UNKNOWN version=${frame.version} type=${frame.frameType} ${flags} payload=${frame.payload.length}B`;
  }
}
