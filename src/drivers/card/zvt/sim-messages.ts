/** Messages the simulated terminal sends (the PT side of ZVT). The card is a fixed test card. */
import { encodeApdu } from './apdu.js';
import { digitsToBcd, numberToBcd, writeVarLength } from './bcd.js';
import { BMP, serialiseFields, type Bmp } from './bmp.js';
import { CMD } from './messages.js';
import { encodeText } from './text.js';
import type { SimTransaction } from './sim-store.js';
import { currencyCode } from '../verify.js';

/** The simulator's card number. It must never appear in kioskd's logs, journal or MQTT traffic. */
export const SIM_PAN = '4761739001010119';
export const SIM_EXPIRY = '2712';
export const SIM_TERMINAL_ID = '52001233';
export const SIM_SOFTWARE_VERSION = 'kioskd-sim 1.0';

function apdu(cmd: readonly [number, number], head: Uint8Array, bmps: Bmp[] = []): Uint8Array {
  return encodeApdu({ cls: cmd[0], ins: cmd[1], data: serialiseFields({ head, bmps }) });
}

function packNibbles(text: string): Uint8Array {
  const padded = text.length % 2 ? `${text}F` : text;
  return Uint8Array.from(Buffer.from(padded, 'hex'));
}

export const simAck = (): Uint8Array => Uint8Array.of(0x80, 0x00, 0x00);
export const simNak = (code: number): Uint8Array => Uint8Array.of(0x84, code, 0x00);

export function simIntermediate(status: number, text: string): Uint8Array {
  const line = encodeText(text);
  const tlv = [{ tag: 0x24, children: [{ tag: 0x07, value: line }] }];
  return apdu(CMD.intermediate, Uint8Array.of(status, 0x1e), [{ tag: BMP.tlv, tlv }]);
}

export function simPrintLine(text: string): Uint8Array {
  return apdu(CMD.printLine, Buffer.concat([Uint8Array.of(0x00), encodeText(text)]));
}

/** A whole receipt in one text block (06 D3): TLV 25 (print texts) holding one 07 per line. */
export function simTextBlock(lines: readonly string[]): Uint8Array {
  const tlv = [{ tag: 0x25, children: lines.map((l) => ({ tag: 0x07, value: encodeText(l) })) }];
  return apdu(CMD.textBlock, new Uint8Array(), [{ tag: BMP.tlv, tlv }]);
}

export function simAbort(resultCode: number): Uint8Array {
  return apdu(CMD.abort, Uint8Array.of(resultCode));
}

export const SIM_MODEL = 'kioskd-sim ZVT';
export const SIM_SERIAL = '20260113';

/**
 * A completion. After a payment: payment type and terminal id. After a registration it also says who
 * the terminal is, as real terminals do: currency and a TLV with device name, software version, serial
 * number and terminal id (1F40, 1F41, 1F42, 1F44); after a status enquiry, in addition, the software
 * version and terminal status before the BMPs.
 */
export function simCompletion(kind: 'payment' | 'registration' | 'status'): Uint8Array {
  const version = Buffer.from(SIM_SOFTWARE_VERSION, 'latin1');
  const head = kind === 'status' ? Buffer.concat([writeVarLength(version.length, 3), version, Uint8Array.of(0x00)]) : new Uint8Array();
  const bmps: Bmp[] = [
    { tag: BMP.paymentType, value: Uint8Array.of(0x00) },
    { tag: BMP.terminalId, value: digitsToBcd(SIM_TERMINAL_ID, 4) },
  ];
  if (kind !== 'payment') {
    bmps.push({ tag: BMP.currency, value: numberToBcd(784, 2) }, {
      tag: BMP.tlv,
      tlv: [
        { tag: 0x1f40, value: Buffer.from(SIM_MODEL, 'latin1') },
        { tag: 0x1f41, value: version },
        { tag: 0x1f42, value: Buffer.from(SIM_SERIAL, 'hex') },
        { tag: 0x1f44, value: digitsToBcd(SIM_TERMINAL_ID, 4) },
      ],
    });
  }
  return apdu(CMD.completion, head, bmps);
}

/** Status information of a transaction; sales carry the full PAN and track 2, as some terminals send. */
export function simStatusInfo(tx: SimTransaction, now: Date): Uint8Array {
  const two = (n: number): string => String(n).padStart(2, '0');
  const bmps: Bmp[] = [
    { tag: BMP.resultCode, value: Uint8Array.of(tx.resultCode) },
    { tag: BMP.amount, value: numberToBcd(tx.amount, 6) },
    { tag: BMP.currency, value: numberToBcd(tx.currency, 2) },
    { tag: BMP.time, value: digitsToBcd(`${two(now.getUTCHours())}${two(now.getUTCMinutes())}${two(now.getUTCSeconds())}`, 3) },
    { tag: BMP.date, value: digitsToBcd(`${two(now.getUTCMonth() + 1)}${two(now.getUTCDate())}`, 2) },
  ];
  if (tx.kind === 'sale' || tx.kind === 'refund') {
    bmps.push(
      { tag: BMP.pan, value: packNibbles(SIM_PAN) },
      { tag: BMP.track2, value: packNibbles(`${SIM_PAN}D${SIM_EXPIRY}1010000000`) },
      { tag: BMP.expiry, value: digitsToBcd(SIM_EXPIRY, 2) },
      { tag: BMP.cardType, value: Uint8Array.of(10) },
      { tag: BMP.cardName, value: Buffer.from('VISA', 'latin1') },
    );
  }
  bmps.push(
    { tag: BMP.trace, value: numberToBcd(tx.trace, 3) },
    { tag: BMP.receiptNo, value: numberToBcd(tx.receiptNo, 2) },
    { tag: BMP.terminalId, value: digitsToBcd(SIM_TERMINAL_ID, 4) },
  );
  if (tx.resultCode === 0 && tx.authCode) bmps.push({ tag: BMP.authCode, value: Buffer.from(tx.authCode.padEnd(8, '\0'), 'latin1') });
  return apdu(CMD.statusInfo, new Uint8Array(), bmps);
}

/** The receipt as a real terminal prints it: masked PAN only. */
export function simReceiptLines(tx: SimTransaction, copy: boolean): string[] {
  const money = `${currencyCode(tx.currency)} ${(tx.amount / 100).toFixed(2)}`;
  const title = { sale: 'SALE', refund: 'REFUND', reversal: 'REVERSAL', 'end-of-day': 'END OF DAY' }[tx.kind];
  const lines = ['   KIOSKD SIM TERMINAL', `TID ${SIM_TERMINAL_ID}`, copy ? '*** COPY ***' : '', title, money];
  if (tx.kind === 'sale' || tx.kind === 'refund') lines.push(`VISA ************${SIM_PAN.slice(-4)}`);
  lines.push(`TRACE ${String(tx.trace).padStart(6, '0')}  RCPT ${String(tx.receiptNo).padStart(4, '0')}`);
  lines.push(tx.resultCode === 0 ? `APPROVED  AUTH ${tx.authCode}` : `DECLINED (${tx.resultCode.toString(16).toUpperCase()})`);
  return lines.filter((l) => l !== '');
}
