/**
 * Code 128 symbol encoding (ISO/IEC 15417) for drawing bars: the virtual printer draws what GS k m=73
 * asked for. Pure.
 */

/** Bar/space widths in modules for values 0..106 (106 = stop, 7 elements with the termination bar). */
const PATTERNS = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
];

const START: Record<string, number> = { A: 103, B: 104, C: 105 };

export interface Code128Symbols {
  /** Symbol values including start, checksum and stop. */
  readonly values: number[];
  /** Human-readable text (the data characters). */
  readonly text: string;
}

/**
 * Symbol values of an ESC/POS function-B Code128 payload: it starts with "{A", "{B" or "{C"; "{{" is a
 * literal "{"; "{A"/"{B"/"{C" inside switch sets; in set C each byte is a value 0..99. Throws on a
 * payload a printer would reject.
 */
export function code128Values(payload: Uint8Array): Code128Symbols {
  if (payload[0] !== 0x7b) throw new RangeError('Code128 payload must start with a code set selector');
  let set = String.fromCharCode(payload[1] ?? 0);
  const start = START[set];
  if (start === undefined) throw new RangeError('unknown Code128 start set');
  const values = [start];
  let text = '';
  for (let i = 2; i < payload.length; i++) {
    const c = payload[i] as number;
    if (c === 0x7b) {
      const next = String.fromCharCode(payload[++i] ?? 0);
      if (next === '{') {
        values.push(0x7b - 32);
        text += '{';
      } else if (next in START) {
        values.push(next === 'A' ? 101 : next === 'B' ? 100 : 99);
        set = next;
      }
      continue;
    }
    if (set === 'C') {
      // ESC/POS GS k m=73: in code set C each byte is one symbol value, 0..99 (two digits), not ASCII
      // (receiptline's numeric codes showed it: test/oracle/escpos-receiptline.test.ts)
      if (c > 99) throw new RangeError('code set C bytes are 0..99');
      values.push(c);
      text += String(c).padStart(2, '0');
    } else {
      values.push(set === 'A' && c < 32 ? c + 64 : c - 32);
      text += String.fromCharCode(c);
    }
  }
  let sum = values[0] as number;
  for (let i = 1; i < values.length; i++) sum += (values[i] as number) * i;
  values.push(sum % 103, 106);
  return { values, text };
}

/** Module widths, alternating bar and space, starting with a bar. */
export function code128Modules(values: readonly number[]): number[] {
  const out: number[] = [];
  for (const v of values) for (const ch of PATTERNS[v] ?? '') out.push(Number(ch));
  return out;
}
