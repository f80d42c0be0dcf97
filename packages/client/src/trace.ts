/** A frame trace for `-v` style logs: what was sent and received, one line per frame. */

import { describeFrame, type ControlFrame, type SpdyProtocolError } from '@spdy/frames';
import type { HeaderList } from './headers.js';

/** One frame crossing the wire, as a session reports it. */
export type TraceEvent =
  | {
      readonly direction: 'send' | 'recv';
      readonly kind: 'control';
      readonly frame: ControlFrame;
      /** Decoded headers of SYN_STREAM, SYN_REPLY and HEADERS. */
      readonly headers: HeaderList | undefined;
      /** Set when a received frame broke the protocol (and was answered with RST_STREAM or GOAWAY). */
      readonly error?: SpdyProtocolError;
    }
  | {
      readonly direction: 'send' | 'recv';
      readonly kind: 'data';
      readonly streamId: number;
      readonly flags: number;
      readonly length: number;
    };

export type TraceListener = (event: TraceEvent, session: { readonly origin: string }) => void;

/** A trace event as text: the frame's one-line form, then its headers indented. */
export function formatTraceEvent(event: TraceEvent): string {
  const arrow = event.direction === 'send' ? 'send' : 'recv';
  if (event.kind === 'data') {
    return `${arrow} DATA stream=${event.streamId} flags=${event.flags & 1 ? 'FIN' : '0'} length=${event.length}B`;
  }
  const lines = [`${arrow} ${describeFrame(event.frame)}`];
  if (event.error !== undefined) lines.push(`       rejected: ${event.error.code} (${event.error.statusName}) ${event.error.message}`);
  for (const [name, value] of event.headers ?? []) lines.push(`       ${name}: ${value.replaceAll('\0', ', ')}`);
  return lines.join('\n');
}
