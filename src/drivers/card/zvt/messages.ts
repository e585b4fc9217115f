/**
 * ZVT commands the ECR sends (builders) and the terminal's messages it reads (interpreters). Card data is
 * masked here, at the edge: no full PAN, track data or PIN-related BMP ever leaves this file.
 */
import { encodeApdu, type Apdu } from './apdu.js';
import { bcdToDigits, bcdToNumber, digitsToBcd, numberToBcd } from './bcd.js';
import { BMP, bmpTlv, bmpValue, parseFields, serialiseFields, type ApduFields, type Bmp } from './bmp.js';
import { findAllTlv, findTlv } from './tlv.js';
import { decodeText, type ZvtCharset } from './text.js';
import { maskPan, scrubDigits } from '../pan.js';
import type { TerminalInfo, TerminalProgress, TerminalTransaction } from '../terminal.js';
import { progressFor } from './result-codes.js';

export const CMD = {
  registration: [0x06, 0x00], authorisation: [0x06, 0x01], completion: [0x06, 0x0f], abort: [0x06, 0x1e],
  repeatReceipt: [0x06, 0x20], reversal: [0x06, 0x30], refund: [0x06, 0x31], endOfDay: [0x06, 0x50],
  abortFromEcr: [0x06, 0xb0], printLine: [0x06, 0xd1], textBlock: [0x06, 0xd3], statusInfo: [0x04, 0x0f],
  intermediate: [0x04, 0xff], statusEnquiry: [0x05, 0x01], ack: [0x80, 0x00],
} as const;

export function is(apdu: Pick<Apdu, 'cls' | 'ins'>, cmd: readonly [number, number]): boolean {
  return apdu.cls === cmd[0] && apdu.ins === cmd[1];
}

function build(cmd: readonly [number, number], head: Uint8Array, bmps: Bmp[] = []): Uint8Array {
  return encodeApdu({ cls: cmd[0], ins: cmd[1], data: serialiseFields({ head, bmps }) });
}

const amountBmp = (amount: number): Bmp => ({ tag: BMP.amount, value: numberToBcd(amount, 6) });
const currencyBmp = (currency: number): Bmp => ({ tag: BMP.currency, value: numberToBcd(currency, 2) });

/**
 * Config byte of the registration: ECR prints payment and administration receipts (so the terminal
 * sends them as print lines), intermediate status goes to the ECR, the ECR controls payments.
 */
export const ECR_CONFIG = 0xbe;

export const build06 = {
  registration: (password: string, currency: number): Uint8Array =>
    build(CMD.registration, Buffer.concat([digitsToBcd(password, 3), Uint8Array.of(ECR_CONFIG), numberToBcd(currency, 2)]), [
      { tag: BMP.serviceByte, value: Uint8Array.of(0x00) },
    ]),
  authorisation: (amount: number, currency: number): Uint8Array =>
    build(CMD.authorisation, new Uint8Array(), [amountBmp(amount), currencyBmp(currency)]),
  refund: (password: string, amount: number, currency: number): Uint8Array =>
    build(CMD.refund, digitsToBcd(password, 3), [amountBmp(amount), currencyBmp(currency)]),
  reversal: (password: string, receiptNo: number): Uint8Array =>
    build(CMD.reversal, digitsToBcd(password, 3), [{ tag: BMP.receiptNo, value: numberToBcd(receiptNo, 2) }]),
  repeatReceipt: (password: string): Uint8Array => build(CMD.repeatReceipt, digitsToBcd(password, 3)),
  endOfDay: (password: string): Uint8Array => build(CMD.endOfDay, digitsToBcd(password, 3)),
  statusEnquiry: (password: string): Uint8Array => build(CMD.statusEnquiry, digitsToBcd(password, 3)),
  abortFromEcr: (): Uint8Array => Uint8Array.of(0x06, 0xb0, 0x00),
  ack: (): Uint8Array => Uint8Array.of(0x80, 0x00, 0x00),
};

export function fieldsOf(apdu: Apdu): ApduFields {
  return parseFields(apdu.cls, apdu.ins, apdu.data);
}

const BRANDS: Readonly<Record<number, string>> = {
  5: 'girocard', 6: 'mastercard', 8: 'amex', 10: 'visa', 12: 'diners', 14: 'jcb', 46: 'maestro', 13: 'vpay', 197: 'unionpay',
};

function asciiOf(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes) return undefined;
  const text = Buffer.from(bytes).toString('latin1').replace(/[\0\s]+$/g, '').trim();
  return text === '' ? undefined : text;
}

/** The PAN digits of BMP 22 (a track-2 style value ends the PAN at its `D` separator). */
function maskedPanOf(fields: ApduFields): string | undefined {
  const pan = bmpValue(fields, BMP.pan);
  if (!pan) return undefined;
  const digits = bcdToDigits(pan).split('D')[0] ?? '';
  return maskPan(digits) || undefined;
}

/** Status information (04 0F): the transaction's result, card (masked), numbers. */
export function readStatusInfo(fields: ApduFields): TerminalTransaction {
  const num = (tag: number): number | undefined => {
    const v = bmpValue(fields, tag);
    return v ? bcdToNumber(v) : undefined;
  };
  const resultCode = bmpValue(fields, BMP.resultCode)?.[0] ?? 0;
  const masked = maskedPanOf(fields);
  const cardType = bmpValue(fields, BMP.cardType)?.[0];
  const brand = asciiOf(bmpValue(fields, BMP.cardName))?.toLowerCase() ?? (cardType === undefined ? undefined : (BRANDS[cardType] ?? `zvt-${cardType}`));
  const tid = bmpValue(fields, BMP.terminalId);
  return {
    approved: resultCode === 0,
    resultCode,
    amount: num(BMP.amount),
    currency: num(BMP.currency),
    card: masked || brand ? { masked: masked ?? '', brand: brand ?? 'unknown' } : undefined,
    authCode: asciiOf(bmpValue(fields, BMP.authCode)),
    receiptNo: num(BMP.receiptNo),
    trace: num(BMP.trace),
    terminalId: tid ? bcdToDigits(tid) : undefined,
  };
}

/** Intermediate status (04 FF) as progress; the terminal's own text rides along when it sent one. */
export function readIntermediate(fields: ApduFields, charset: ZvtCharset): TerminalProgress {
  const status = fields.head[0] ?? 0xff;
  const text = findAllTlv(bmpTlv(fields), 0x07).map((v) => decodeText(v, charset)).join(' ').trim();
  return text ? { code: progressFor(status), text: scrubDigits(text) } : { code: progressFor(status) };
}

/** Print line (06 D1): attribute byte, then text. */
export function readPrintLine(data: Uint8Array, charset: ZvtCharset): string {
  return scrubDigits(decodeText(data.subarray(1), charset));
}

/** Text block (06 D3): TLV 25 (print texts) holding 07 lines. */
export function readTextBlock(fields: ApduFields, charset: ZvtCharset): string[] {
  return findAllTlv(bmpTlv(fields), 0x07).map((v) => scrubDigits(decodeText(v, charset)));
}

/** TLV tags of the terminal's description of itself in a completion (ZVT TLV list; also read by ecrterm). */
const TLV_DEVICE_NAME = 0x1f40;
const TLV_SOFTWARE_VERSION = 0x1f41;
const TLV_SERIAL_NUMBER = 0x1f42;
const TLV_TERMINAL_ID = 0x1f44;

function tlvValue(fields: ApduFields, tag: number): Uint8Array | undefined {
  const node = findTlv(bmpTlv(fields), tag);
  return node && 'value' in node ? node.value : undefined;
}

/**
 * Completion (06 0F): the terminal's software version and status (after a status enquiry: LLLVAR
 * version, status byte; or the status byte alone), its terminal id (BMP 29), and what the TLV container
 * says about it: device name (1F40), software version (1F41), serial number (1F42, packed digits, shown
 * as hex), terminal id (1F44). None of it is personal data.
 */
export function readCompletion(fields: ApduFields): TerminalInfo {
  const head = fields.head;
  let softwareVersion: string | undefined;
  let status: number | undefined;
  if (head.length >= 4) {
    softwareVersion = asciiOf(head.subarray(3, head.length - 1));
    status = head[head.length - 1];
  } else if (head.length === 1) {
    status = head[0];
  }
  const tid = bmpValue(fields, BMP.terminalId) ?? tlvValue(fields, TLV_TERMINAL_ID);
  const serial = tlvValue(fields, TLV_SERIAL_NUMBER);
  return {
    softwareVersion: softwareVersion ?? asciiOf(tlvValue(fields, TLV_SOFTWARE_VERSION)),
    status,
    terminalId: tid ? bcdToDigits(tid) : undefined,
    model: asciiOf(tlvValue(fields, TLV_DEVICE_NAME)),
    serialNumber: serial && serial.length > 0 ? Buffer.from(serial).toString('hex') : undefined,
  };
}

/** Abort (06 1E): its result code. */
export function readAbortCode(fields: ApduFields): number {
  return fields.head[0] ?? 0xff;
}
