/**
 * Text in ZVT print lines and display texts. Terminals send code page 437 unless the ECR registered for
 * another character set (Latin-1 is common); ASCII is the same in both.
 */

// Code page 437, bytes 0x80..0xFF.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

export type ZvtCharset = 'cp437' | 'latin1';

export function decodeText(bytes: Uint8Array, charset: ZvtCharset = 'cp437'): string {
  if (charset === 'latin1') return Buffer.from(bytes).toString('latin1');
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : (CP437_HIGH[b - 0x80] ?? '?');
  return out;
}

export function encodeText(text: string, charset: ZvtCharset = 'cp437'): Uint8Array {
  if (charset === 'latin1') return Uint8Array.from(Buffer.from(text, 'latin1'));
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x80) out.push(code);
    else {
      const i = CP437_HIGH.indexOf(ch);
      out.push(i >= 0 ? 0x80 + i : 0x3f);
    }
  }
  return Uint8Array.from(out);
}
