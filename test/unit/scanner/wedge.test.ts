import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildKeymap } from '../../../src/drivers/scanner/keymap.js';
import { encodeInputEvents, EV_KEY, InputEventReader, KeystrokeDecoder, nativeEventSize, typeText, type EventSize } from '../../../src/drivers/scanner/wedge.js';

const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, '../../fixtures/scanner', name));

/** Decode a recorded byte stream fed in chunks of `chunk` bytes (reads of an event device return whole events; a pipe may not). */
function decode(bytes: Buffer, size: EventSize, keymap = buildKeymap('us'), chunk = bytes.length): string[] {
  const reader = new InputEventReader(size);
  const keys = new KeystrokeDecoder(keymap);
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += chunk) {
    for (const e of reader.push(bytes.subarray(i, i + chunk))) {
      const line = keys.feed(e);
      if (line !== undefined) lines.push(line);
    }
  }
  return lines;
}

describe('keyboard-wedge decoding of recorded input events', () => {
  it('decodes a US-layout QR scan with AIM prefix and shifted characters (64-bit struct input_event)', () => {
    expect(decode(fixture('wedge-us-qr-64bit.bin'), 24)).toEqual([']Q1https://pay.example.ae/fine?ref=A7-42&amt=300']);
  });

  it('decodes the same bytes whatever the read boundaries (torn structs across chunks)', () => {
    for (const chunk of [1, 7, 23, 25, 100]) {
      expect(decode(fixture('wedge-us-qr-64bit.bin'), 24, buildKeymap('us'), chunk)).toEqual([']Q1https://pay.example.ae/fine?ref=A7-42&amt=300']);
    }
  });

  it('decodes two MRZ lines typed by a 32-bit (16-byte input_event) system', () => {
    expect(decode(fixture('wedge-us-td3-32bit.bin'), 16)).toEqual([
      'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<',
      'L898902C36UTO7408122F1204159ZE184226B<<<<<10',
    ]);
  });

  it('gives garbage, not the scan, when the event size is wrong (the config must match the kernel ABI)', () => {
    expect(decode(fixture('wedge-us-td3-32bit.bin'), 24)).not.toContain('L898902C36UTO7408122F1204159ZE184226B<<<<<10');
  });

  it('decodes a German layout with shift and AltGr', () => {
    expect(decode(fixture('wedge-de-altgr-64bit.bin'), 24, buildKeymap('de'))).toEqual(['Zy@']);
    expect(decode(fixture('wedge-de-altgr-64bit.bin'), 24, buildKeymap('us'))).toEqual(['Yz']);
  });

  it('turns Ctrl+] into GS (GS1 FNC1) and ignores autorepeat', () => {
    expect(decode(fixture('wedge-us-gs1-ctrl-64bit.bin'), 24)).toEqual([']C101\u001d23']);
  });

  it('counts keys the layout does not know instead of guessing', () => {
    const keys = new KeystrokeDecoder(buildKeymap('us'));
    keys.feed({ timeUs: 0, type: EV_KEY, code: 183 /* KEY_F13 */, value: 1 });
    expect(keys.unknownKeys).toBe(1);
    expect(keys.pending).toBe('');
  });

  it('applies keymap overrides', () => {
    const keymap = buildKeymap('us', { '86': ['<', '>'] });
    expect(keymap.get(86)).toEqual(['<', '>']);
  });

  it('round-trips the simulator encoder through the decoder, both sizes', () => {
    const km = buildKeymap('us');
    for (const size of [16, 24] as const) {
      const bytes = encodeInputEvents(typeText(']E04006381333931', km, 1_764_100_000_000_000), size);
      expect(decode(bytes, size)).toEqual([']E04006381333931']);
    }
  });

  it('encodes events exactly as the Python fixture writer (the kernel layout)', () => {
    const recorded = fixture('wedge-us-qr-64bit.bin');
    const events = new InputEventReader(24).push(recorded);
    expect(encodeInputEvents(events, 24).equals(recorded)).toBe(true);
  });

  it('knows the native event size of the platforms we ship for', () => {
    expect(nativeEventSize('arm')).toBe(16);
    expect(nativeEventSize('arm64')).toBe(24);
    expect(nativeEventSize('x64')).toBe(24);
  });
});
