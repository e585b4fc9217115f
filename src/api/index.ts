/**
 * The whole MQTT API as data: every device kind's schemas. Imported by the client library, the docs
 * generator and tests; loads no driver, transport or native module.
 */
import { gpioApi } from '../drivers/gpio/api.js';
import { printerApi } from '../drivers/printer/api.js';
import { scannerApi } from '../drivers/scanner/api.js';
import { cardApi } from '../drivers/card/api.js';
import { cashApi } from '../drivers/cash/api.js';
import { audioApi } from '../drivers/audio/api.js';

export const DEVICE_APIS = {
  gpio: gpioApi,
  printer: printerApi,
  scanner: scannerApi,
  card: cardApi,
  cash: cashApi,
  audio: audioApi,
} as const;

export type DeviceApis = typeof DEVICE_APIS;
/** The shapes the contract is made of (src/core/driver.ts), for those who import only the API. */
export type { CommandSpec, DeviceApi, DeviceStatus, EventSpec } from '../core/driver.js';
export { DEVICE_STATUSES } from '../core/driver.js';
export * from './envelope.js';
