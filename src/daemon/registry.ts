/**
 * Every device kind kioskd knows, by the device name used in config (`devices.{name}`) and topics
 * (`device/{name}/...`). One device per kind per kiosk. Importing a kind loads only its schemas;
 * its driver, transports and heavy libraries load when the device is configured (see `create`).
 */
import { gpioKind } from '../drivers/gpio/kind.js';
import { printerKind } from '../drivers/printer/kind.js';
import { scannerKind } from '../drivers/scanner/kind.js';
import { cardKind } from '../drivers/card/kind.js';
import { cashKind } from '../drivers/cash/kind.js';
import { audioKind } from '../drivers/audio/kind.js';

export const DEVICE_KINDS = {
  gpio: gpioKind,
  printer: printerKind,
  scanner: scannerKind,
  card: cardKind,
  cash: cashKind,
  audio: audioKind,
} as const;

export type DeviceName = keyof typeof DEVICE_KINDS;
