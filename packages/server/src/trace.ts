/**
 * The frame trace: one record per frame sent or received, for `-v` style
 * logs. Control frames are given whole; DATA frames by their header only
 * (the payload is not kept).
 */

import { describeFrame, type ControlFrame } from '@spdy/frames';
import type { HeaderList } from '@spdy/zlib-headers';

/** A DATA frame as traced: its header, without the payload. */
export interface DataFrameInfo {
  readonly type: 'DATA';
  readonly streamId: number;
  readonly flags: number;
  readonly length: number;
}

export interface FrameTrace {
  /** 'recv': from the peer; 'send': handed to the transport. */
  readonly direction: 'recv' | 'send';
  readonly frame: ControlFrame | DataFrameInfo;
  /** Decoded headers of SYN_STREAM, SYN_REPLY and HEADERS. */
  readonly headers?: HeaderList;
}

/** A one-line (plus one line per header) description of a traced frame. */
export function describeTrace(trace: FrameTrace): string {
  const arrow = trace.direction === 'recv' ? '<-' : '->';
  const frame = trace.frame;
  const head =
    frame.type === 'DATA'
      ? `DATA stream=${frame.streamId} length=${frame.length}${frame.flags & 1 ? ' flags=FIN' : ''}`
      : describeFrame(frame);
  const lines = [`${arrow} ${head}`];
  for (const [name, value] of trace.headers ?? []) lines.push(`     ${name}: ${value.replaceAll('\0', ', ')}`);
  return lines.join('\n');
}
