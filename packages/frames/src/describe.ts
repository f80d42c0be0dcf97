/** Small helpers over frames: a one-line log form, flag tests, the control/data split. */

import { Flag, goawayStatusName, rstStatusName, settingsIdName, SettingsFlag } from './constants.js';
import type { ControlFrame, Frame } from './types.js';

/** Whether `frame` is a control frame (anything but DATA). */
export function isControlFrame(frame: Frame): frame is ControlFrame {
  return frame.type !== 'DATA';
}

/** Whether `flag` (one or more bits) is set on `frame`. */
export function hasFlag(frame: Frame, flag: number): boolean {
  return (frame.flags & flag) === flag && flag !== 0;
}

/** The names of the flag bits each frame type defines; other bits print in hex. */
function flagNames(frame: Frame): ReadonlyArray<readonly [number, string]> {
  switch (frame.type) {
    case 'DATA':
      return [
        [Flag.FIN, 'FIN'],
        [Flag.DATA_COMPRESS, 'COMPRESS'],
      ];
    case 'SYN_STREAM':
      return [
        [Flag.FIN, 'FIN'],
        [Flag.UNIDIRECTIONAL, 'UNIDIRECTIONAL'],
      ];
    case 'SYN_REPLY':
    case 'HEADERS':
      return [[Flag.FIN, 'FIN']];
    case 'SETTINGS':
      return [[Flag.SETTINGS_CLEAR_SETTINGS, 'CLEAR_SETTINGS']];
    default:
      return [];
  }
}

function describeFlags(flags: number, names: ReadonlyArray<readonly [number, string]>): string {
  const parts: string[] = [];
  let rest = flags;
  for (const [bit, name] of names) {
    if ((rest & bit) !== 0) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) parts.push(`0x${rest.toString(16).padStart(2, '0')}`);
  return parts.length === 0 ? '0' : parts.join('|');
}

function describeEntryFlags(flags: number): string {
  if (flags === SettingsFlag.NONE) return '';
  return ` ${describeFlags(flags, [
    [SettingsFlag.PERSIST_VALUE, 'PERSIST_VALUE'],
    [SettingsFlag.PERSISTED, 'PERSISTED'],
  ])}`;
}

/**
 * A one-line human form of a frame for logs, e.g.
 * `SYN_STREAM stream=1 assoc=0 pri=0 slot=0 flags=FIN headerBlock=123B`.
 * Payload bytes are summarised by their size, never printed.
 */
export function describeFrame(frame: Frame): string {
  const flags = `flags=${describeFlags(frame.flags, flagNames(frame))}`;
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
      const entries = frame.entries.map((e) => `${settingsIdName(e.id)}=${e.value}${describeEntryFlags(e.flags)}`);
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
