/**
 * Scanner simulator: the other end of the real wire. Serial inputs get a PTY pair (the driver opens it as
 * it opens /dev/serial/by-id/...) and receive MRZ lines and barcodes framed as the input's model preset
 * frames them, with a reader's pauses between lines. HID inputs get a FIFO standing in for the event
 * device, fed with `struct input_event` records as the kernel writes them for a typing keyboard.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, Timer } from '../../core/clock.js';
import type { SimulatorDeps, SimulatorHandle } from '../../core/driver.js';
import { KioskError } from '../../core/errors.js';
import { makeFifo } from '../../transports/input-events.js';
import { PtyPair } from '../../transports/pty-pair.js';
import type { ByteStream } from '../../transports/byte-stream.js';
import { scannerApi } from './api.js';
import type { HidInputConfig, ScannerConfig, ScannerInputConfig, SerialInputConfig } from './config.js';
import { serialFraming } from './input.js';
import { buildKeymap } from './keymap.js';
import { terminatorBytes } from './lines.js';
import { mrzDate, specimenMrz } from './mrz-builder.js';
import { encodeInputEvents, nativeEventSize, typeText } from './wedge.js';

interface SimInput {
  readonly name: string;
  readonly kind: 'serial' | 'hid';
  /** Write the lines of one read the way this reader sends them; stop after `stopAfter` lines. */
  writeLines(lines: readonly string[], o: { gapMs: number; split: boolean; stopAfter?: number }): Promise<number>;
  writeRaw(bytes: Buffer): Promise<void>;
  unplug(replugAfterMs?: number): Promise<boolean>;
  replug(): Promise<boolean>;
  close(): Promise<void>;
}

class SerialSimInput implements SimInput {
  readonly kind = 'serial';
  private port: ByteStream | undefined;
  private replugTimer: Timer | undefined;
  constructor(readonly name: string, private readonly pair: PtyPair, private readonly cfg: SerialInputConfig, private readonly log: SimulatorDeps['log'], private readonly clock: Clock) {}

  async connect(): Promise<void> {
    const port = this.pair.simEnd();
    await port.open();
    this.port = port;
  }

  async writeRaw(bytes: Buffer): Promise<void> {
    if (!this.port?.isOpen) throw new KioskError('DEVICE_UNAVAILABLE', `simulated reader ${this.name} is unplugged`);
    await this.port.write(bytes);
  }

  async writeLines(lines: readonly string[], o: { gapMs: number; split: boolean; stopAfter?: number }): Promise<number> {
    const framing = serialFraming(this.cfg);
    const eol = terminatorBytes(framing.terminators[0] ?? '\r');
    if (framing.frame) await this.writeRaw(Buffer.from([framing.frame.start]));
    let written = 0;
    for (const line of lines) {
      if (o.stopAfter !== undefined && written >= o.stopAfter) return written;
      if (written > 0 && o.gapMs > 0) await this.clock.sleep(o.gapMs);
      const bytes = Buffer.concat([Buffer.from(line, this.cfg.encoding), eol]);
      if (o.split) {
        const half = Math.floor(bytes.length / 2);
        await this.writeRaw(bytes.subarray(0, half));
        await this.clock.sleep(Math.max(5, Math.floor(o.gapMs / 2)));
        await this.writeRaw(bytes.subarray(half));
      } else {
        await this.writeRaw(bytes);
      }
      written++;
    }
    if (framing.frame) {
      await this.writeRaw(Buffer.from([framing.frame.end]));
    }
    return written;
  }

  async unplug(replugAfterMs?: number): Promise<boolean> {
    this.replugTimer?.cancel();
    await this.port?.close();
    this.port = undefined;
    await this.pair.unplug();
    if (replugAfterMs !== undefined) {
      this.replugTimer = this.clock.setTimeout(() => {
        this.replug().catch((err: unknown) => this.log.warn({ err, input: this.name }, 'simulated replug failed'));
      }, replugAfterMs);
    }
    return false;
  }

  async replug(): Promise<boolean> {
    this.replugTimer?.cancel();
    if (this.pair.plugged && this.port?.isOpen) return true;
    await this.pair.replug();
    await this.connect();
    return true;
  }

  async close(): Promise<void> {
    this.replugTimer?.cancel();
    await this.port?.close();
    await this.pair.close();
  }
}

class HidSimInput implements SimInput {
  readonly kind = 'hid';
  private usNow: number;
  constructor(readonly name: string, readonly path: string, private readonly fh: FileHandle, private readonly cfg: HidInputConfig, private readonly clock: Clock) {
    this.usNow = clock.now() * 1000;
  }

  async writeRaw(bytes: Buffer): Promise<void> {
    await this.fh.write(bytes);
  }

  async writeLines(lines: readonly string[], o: { gapMs: number; stopAfter?: number }): Promise<number> {
    const keymap = buildKeymap(this.cfg.keymap, this.cfg.keymapOverrides);
    let written = 0;
    for (const line of lines) {
      if (o.stopAfter !== undefined && written >= o.stopAfter) break;
      if (written > 0) await this.clock.sleep(o.gapMs);
      this.usNow = Math.max(this.usNow, this.clock.now() * 1000);
      let events;
      try {
        events = typeText(line, keymap, this.usNow);
      } catch (err) {
        throw new KioskError('INVALID_PAYLOAD', `a ${this.cfg.keymap} keyboard cannot type that`, { cause: err });
      }
      this.usNow = (events.at(-1)?.timeUs ?? this.usNow) + 1000;
      await this.writeRaw(encodeInputEvents(events, this.cfg.eventSize ?? nativeEventSize()));
      written++;
    }
    return written;
  }

  async unplug(): Promise<boolean> {
    throw new KioskError('NOT_SUPPORTED', 'the simulated keyboard-wedge input cannot be unplugged');
  }

  async replug(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}

/** Noise as a baud-rate mismatch produces it: control and high bytes, never a terminator or frame byte. */
function noiseBytes(n: number): Buffer {
  const out = randomBytes(n);
  for (let i = 0; i < n; i++) {
    const b = out[i] ?? 0;
    out[i] = i % 2 === 0 ? 0x80 | b : [0x00, 0x07, 0x15, 0x1b, 0x7f][b % 5] ?? 0;
  }
  return out;
}

export async function startScannerSimulator(config: ScannerConfig, deps: SimulatorDeps): Promise<SimulatorHandle<ScannerConfig>> {
  const sims = new Map<string, SimInput>();
  const driverInputs: Record<string, ScannerInputConfig> = {};
  try {
    for (const [name, cfg] of Object.entries(config.inputs)) {
      if (cfg.type === 'serial') {
        const pair = await PtyPair.create(deps.workDir, `scanner-${name}`);
        const sim = new SerialSimInput(name, pair, cfg, deps.log, deps.clock);
        sims.set(name, sim);
        await sim.connect();
        driverInputs[name] = { ...cfg, path: pair.devicePath };
      } else {
        const path = join(deps.workDir, `scanner-${name}-event-kbd`);
        await rm(path, { force: true });
        await makeFifo(path);
        // O_RDWR: a FIFO opened for writing alone blocks (or fails) until a reader opens it
        const fh = await open(path, constants.O_RDWR | constants.O_NONBLOCK);
        sims.set(name, new HidSimInput(name, path, fh, cfg, deps.clock));
        driverInputs[name] = { ...cfg, path, eventSize: cfg.eventSize ?? nativeEventSize() };
      }
    }
  } catch (err) {
    await Promise.all([...sims.values()].map((s) => s.close()));
    throw err;
  }

  const pick = (name: string | undefined): SimInput => {
    const sim = name === undefined ? sims.values().next().value : sims.get(name);
    if (!sim) throw new KioskError('SCANNER_INPUT_UNKNOWN', `no scanner input ${name ?? ''}`);
    return sim;
  };
  const api = scannerApi.sim;

  const commands: Record<string, (input: unknown) => Promise<unknown>> = {
    document: async (raw) => {
      const o = api.document.input.parse(raw);
      const expiry = o.expiresInDays === undefined ? undefined : mrzDate(new Date(deps.clock.now() + o.expiresInDays * 86_400_000));
      const lines = o.lines ?? specimenMrz(o.format ?? 'TD1', { expiry, badCheckDigit: o.badCheckDigit });
      const sim = pick(o.input);
      const written = await sim.writeLines(lines, { gapMs: o.lineGapMs, split: o.split, stopAfter: o.unplugAfterLines });
      if (o.unplugAfterLines !== undefined) {
        // the cable goes while the next line would have been coming, not in the same instant as the last write
        await deps.clock.sleep(Math.max(o.lineGapMs, 20));
        await sim.unplug(o.replugAfterMs);
      }
      return { lines: written };
    },
    barcode: async (raw) => {
      const o = api.barcode.input.parse(raw);
      const text = (o.aim ?? '') + o.data;
      await pick(o.input).writeLines([text], { gapMs: 0, split: false });
      return { bytes: Buffer.byteLength(text) };
    },
    noise: async (raw) => {
      const o = api.noise.input.parse(raw);
      const sim = pick(o.input);
      if (sim.kind === 'hid') throw new KioskError('NOT_SUPPORTED', 'line noise is a serial phenomenon');
      await sim.writeRaw(Buffer.concat([noiseBytes(o.bytes), Buffer.from('\r\n')]));
      return { bytes: o.bytes + 2 };
    },
    unplug: async (raw) => {
      const o = api.unplug.input.parse(raw);
      return { plugged: await pick(o.input).unplug(o.replugAfterMs) };
    },
    replug: async (raw) => {
      const o = api.replug.input.parse(raw);
      return { plugged: await pick(o.input).replug() };
    },
  };

  deps.log.info({ inputs: [...sims.keys()] }, 'scanner simulator ready');
  return {
    driverConfig: { ...config, inputs: driverInputs },
    commands,
    async stop() {
      await Promise.all([...sims.values()].map((s) => s.close()));
    },
  };
}
