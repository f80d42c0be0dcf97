/**
 * The `spdy-frames` command, without the process around it: arguments in,
 * text and bytes out through an {@link Io}, an exit code back. `cli.ts` binds
 * it to the real process; tests call it directly.
 */

import { parseArgs } from 'node:util';
import { MAX_FRAME_LENGTH, MIN_CONTROL_FRAME_SIZE_LIMIT, type SpdyProtocolError, type WireVersion } from '@spdy/frames';
import { DEFAULT_MAX_HEADER_LIST_SIZE, defaultCompressionLevel } from '@spdy/zlib-headers';
import { decodeCapture, sniffVersion } from './decode.js';
import { EncodeLineError, encodeLines } from './encode.js';
import { type DataMode, frameToJson } from './frame-json.js';
import { parseHex, toHexLines } from './hex.js';

/** Where the command reads and writes. */
export interface Io {
  /** The whole input: a file's bytes, or standard input for `-` / no file. */
  readInput(file: string | undefined): Promise<Uint8Array>;
  writeOut(chunk: string | Uint8Array): void;
  writeErr(text: string): void;
}

/** Exit codes. */
export const ExitCode = {
  OK: 0,
  /** The input is malformed: a protocol fault, bad hex, a bad JSON line. */
  BAD_INPUT: 1,
  /** Bad arguments or an unreadable file. */
  USAGE: 2,
} as const;

export const USAGE = `Usage:
  spdy-frames decode [options] [file|-]   bytes of one direction of a SPDY session -> one JSON object per frame
  spdy-frames encode [options] [file|-]   such JSON lines -> bytes (decode | encode gives the same bytes back)

Reads standard input when the file is '-' or absent.

Options:
  --version 2|3|3.1     protocol version; 3.1 is version 3 on the wire.
                        decode: default is the version of the first control frame, else 3.
                        encode: default 3.
  --hex                 decode: the input is hex text; encode: write hex text instead of raw bytes.
                        Hex may hold whitespace, newlines, 0x prefixes, commas and # comments,
                        or be the output of xxd (offsets and the text column are skipped).
  --data hex|utf8|none  decode: how DATA payloads are shown: "data" as hex (default), "text" when
                        the payload is valid UTF-8 (hex otherwise), or only their length.
  --max-frame-size N    decode: largest frame payload accepted, control or DATA, in bytes: from
                        ${MIN_CONTROL_FRAME_SIZE_LIMIT} (what every SPDY/3 peer must accept) to ${MAX_FRAME_LENGTH} (the default).
  --max-header-size N   decode: largest decompressed header block, in bytes (default ${DEFAULT_MAX_HEADER_LIST_SIZE}).
  --level N             encode: zlib level 0-9 for header blocks (default ${defaultCompressionLevel('client')}, stored blocks as
                        a client sends them; the spdy npm package also writes level 0).
  -h, --help            this text.

Each decoded line has type, offset (of the frame in the input), length (of its payload),
flags with flagNames, the frame's fields, and "headers" as [name, value] pairs. encode ignores
offset, length and the *Name(s) fields.

Exit status: 0 when all is well; 1 for malformed input (the frames before the fault are printed,
then the fault, its byte offset and the spec's answer go to standard error); 2 for usage errors.`;

const OPTIONS = {
  version: { type: 'string' },
  hex: { type: 'boolean', default: false },
  data: { type: 'string', default: 'hex' },
  'max-frame-size': { type: 'string' },
  'max-header-size': { type: 'string' },
  level: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** A mistake in the command line, reported with the usage hint. */
class UsageError extends Error {}

/** Runs `spdy-frames` with `args` (without the node and script paths) and returns the exit code. */
export async function main(args: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.writeOut(`${USAGE}\n`);
    return ExitCode.OK;
  }
  const [command, file, ...extra] = positionals;
  try {
    if (extra.length > 0) throw new UsageError(`one input at most, got ${positionals.length - 1}`);
    switch (command) {
      case 'decode':
        return await runDecode(io, file, {
          version: values.version === undefined ? undefined : parseVersion(values.version),
          hex: values.hex,
          data: parseDataMode(values.data),
          maxFrameSize: optionalInteger('max-frame-size', values['max-frame-size'], MIN_CONTROL_FRAME_SIZE_LIMIT, MAX_FRAME_LENGTH),
          maxHeaderSize: optionalInteger('max-header-size', values['max-header-size'], 1, 2 ** 30),
        });
      case 'encode':
        return await runEncode(io, file, {
          version: values.version === undefined ? 3 : parseVersion(values.version),
          hex: values.hex,
          level: optionalInteger('level', values.level, 0, 9) ?? defaultCompressionLevel('client'),
        });
      case undefined:
        throw new UsageError('a command is needed: decode or encode');
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}: decode or encode`);
    }
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, error.message);
    throw error;
  }
}

interface DecodeCommand {
  version: WireVersion | undefined;
  hex: boolean;
  data: DataMode;
  maxFrameSize: number | undefined;
  maxHeaderSize: number | undefined;
}

async function runDecode(io: Io, file: string | undefined, options: DecodeCommand): Promise<number> {
  const input = await read(io, file);
  let bytes: Uint8Array;
  try {
    bytes = options.hex ? parseHex(new TextDecoder().decode(input)) : input;
  } catch (error) {
    io.writeErr(`spdy-frames: ${(error as Error).message}\n`);
    return ExitCode.BAD_INPUT;
  }
  const version = options.version ?? sniffVersion(bytes) ?? 3;
  const out = new BufferedWriter(io);
  let frames = 0;
  for (const event of decodeCapture(bytes, {
    version,
    ...(options.maxFrameSize === undefined ? {} : { maxFrameSize: options.maxFrameSize }),
    ...(options.maxHeaderSize === undefined ? {} : { maxHeaderListSize: options.maxHeaderSize }),
  })) {
    if (event.kind === 'frame') {
      out.write(`${JSON.stringify(frameToJson(event.frame, event.position, { version, data: options.data }))}\n`);
      frames++;
      continue;
    }
    // The frames before the fault reach standard output before the fault reaches standard error.
    out.flush();
    io.writeErr(describeFault(event.error, event.offset, frames));
    return ExitCode.BAD_INPUT;
  }
  out.flush();
  return ExitCode.OK;
}

/** The report of a fault, for people: where, what, and what the spec says a receiver answers. */
export function describeFault(error: SpdyProtocolError, offset: number, framesBefore: number): string {
  const where = [error.frameType ?? 'frame type unknown', error.streamId === undefined ? undefined : `stream ${error.streamId}`]
    .filter((part) => part !== undefined)
    .join(', ');
  const answer =
    error.scope === 'stream'
      ? `RST_STREAM ${error.statusName} (status ${error.status}) on stream ${error.streamId ?? '?'}: a stream error, the session goes on`
      : `GOAWAY ${error.statusName} (status ${error.status}): a session error, the session ends`;
  return [
    `spdy-frames: malformed input at byte ${offset}, after ${framesBefore} frame${framesBefore === 1 ? '' : 's'}`,
    `  error:  ${error.message}`,
    `  frame:  ${where}`,
    `  answer: ${answer}`,
    `  code:   ${error.code}`,
    '',
  ].join('\n');
}

interface EncodeCommand {
  version: WireVersion;
  hex: boolean;
  level: number;
}

async function runEncode(io: Io, file: string | undefined, options: EncodeCommand): Promise<number> {
  const text = new TextDecoder().decode(await read(io, file));
  let bytes: Uint8Array;
  try {
    bytes = encodeLines(text, options);
  } catch (error) {
    if (!(error instanceof EncodeLineError)) throw error;
    io.writeErr(`spdy-frames: ${error.message}\n`);
    return ExitCode.BAD_INPUT;
  }
  io.writeOut(options.hex ? toHexLines(bytes) : bytes);
  return ExitCode.OK;
}

async function read(io: Io, file: string | undefined): Promise<Uint8Array> {
  try {
    return await io.readInput(file === '-' ? undefined : file);
  } catch (error) {
    throw new UsageError(`cannot read ${file ?? 'standard input'}: ${(error as Error).message}`);
  }
}

function parseVersion(text: string): WireVersion {
  // 3.1 differs from 3 only in flow control, never in the bytes of a frame.
  if (text === '2') return 2;
  if (text === '3' || text === '3.1') return 3;
  throw new UsageError(`--version must be 2, 3 or 3.1, got ${JSON.stringify(text)}`);
}

function parseDataMode(text: string): DataMode {
  if (text === 'hex' || text === 'utf8' || text === 'none') return text;
  throw new UsageError(`--data must be hex, utf8 or none, got ${JSON.stringify(text)}`);
}

function optionalInteger(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function usageError(io: Io, message: string): number {
  io.writeErr(`spdy-frames: ${message}\nTry 'spdy-frames --help'.\n`);
  return ExitCode.USAGE;
}

/** Gathers small writes: one write per frame would dominate the run time on large captures. */
class BufferedWriter {
  private pending = '';
  constructor(private readonly io: Io) {}

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= 65536) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.io.writeOut(this.pending);
    this.pending = '';
  }
}
