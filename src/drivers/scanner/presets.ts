/**
 * Reader families: how a serial reader frames what it read, and which bytes make it beep. A preset is a
 * starting point; every field can be overridden per input in config. Sources are the vendors' public
 * interface manuals (see docs/scanner.md); none has been verified against hardware by this project.
 */

export interface ReaderPreset {
  readonly summary: string;
  /** Byte sequences that end a line; the longest matching one wins (CRLF before CR). */
  readonly terminators: readonly string[];
  /** Framed readers wrap one read in start/end bytes; bytes outside a frame are dropped, a frame end ends a read. */
  readonly frame?: { readonly start: number; readonly end: number };
  /** Lines matching one of these (JS regex source) are header/checksum lines and are dropped. */
  readonly dropLines: readonly string[];
  /** The longest pause between two lines of one document before the read is cut (partial). */
  readonly groupGapMs: number;
  /** Bytes (hex) that make the reader beep or flash, when it has such host commands. */
  readonly commands: { readonly beep?: string; readonly led?: string };
}

const anyEol = ['\r\n', '\r', '\n'];

export const READER_PRESETS = {
  /** Any scanner in serial (USB-CDC/RS-232) mode with the usual CR or CRLF suffix. */
  generic: {
    summary: 'Generic serial scanner/reader: one line per barcode, MRZ lines ended by CR, LF or CRLF',
    terminators: anyEol,
    dropLines: [],
    groupGapMs: 300,
    commands: {},
  },
  /**
   * DESKO readers in the CUTE "misc reader interface" protocol: `<SODn><STX>line<CR>line<CR>[line<CR>]<ETX><EODn>`.
   * The SOD/EOD delimiter bytes are site-configured, so everything outside STX..ETX is dropped.
   */
  'desko-cute': {
    summary: 'DESKO document readers, CUTE protocol: STX, CR-separated MRZ lines, ETX',
    terminators: ['\r'],
    frame: { start: 0x02, end: 0x03 },
    dropLines: [],
    groupGapMs: 1000,
    commands: {},
  },
  /** Honeywell (Metrologic/HHP) imagers in RS-232 mode accept host escape commands: ESC 5 beeps, ESC 1 flashes green. */
  'honeywell-serial': {
    summary: 'Honeywell imagers in RS-232 mode: CR suffix, ESC 5 beep, ESC 1 green LED',
    terminators: anyEol,
    dropLines: [],
    groupGapMs: 300,
    commands: { beep: '1b35', led: '1b31' },
  },
  /** CipherLab 1600-series in serial mode: `#@////<CR>` makes it beep. */
  'cipherlab-serial': {
    summary: 'CipherLab 1600-series in serial mode: CR suffix, #@////<CR> beep',
    terminators: anyEol,
    dropLines: [],
    groupGapMs: 300,
    commands: { beep: '2340' + '2f2f2f2f' + '0d' },
  },
} as const satisfies Record<string, ReaderPreset>;

export type PresetName = keyof typeof READER_PRESETS;
export const PRESET_NAMES = Object.keys(READER_PRESETS) as [PresetName, ...PresetName[]];
