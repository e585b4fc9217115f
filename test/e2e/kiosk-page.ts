/**
 * The simulated kiosk behind a real browser: Mosquitto (TCP for the daemon, WebSocket for the page),
 * the daemon with every device simulated, the playground server, and Debian's Chromium driven by
 * playwright-core with a fresh profile.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startPlayground, type Playground } from '../../src/playground/server.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const canRunBrowser = hasMosquitto && hasPty && existsSync(CHROMIUM);
if (!canRunBrowser && process.env.CI) throw new Error(`CI must not skip the browser tests: need mosquitto, PTYs and ${CHROMIUM}`);

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Every device of a service kiosk, simulated. */
export const kioskConfig = {
  simulation: true,
  devices: {
    gpio: {
      backend: 'sim',
      debounceMs: 20,
      inputs: { presence: { line: 'GPIO17' }, door: { line: 'GPIO27', activeLow: true }, headset: { line: 'GPIO24' }, assist_button: { line: 'GPIO23', activeLow: true } },
      outputs: { light_scanner: { line: 'GPIO5' }, light_card: { line: 'GPIO6' }, light_printer: { line: 'GPIO13' }, assist_light: { line: 'GPIO16' } },
    },
    scanner: { inputs: { reader: { type: 'serial', path: '/dev/serial/by-id/usb-simulated-reader', baudRate: 115200, model: 'generic' } } },
    card: { ackTimeoutMs: 1000, idleTimeoutMs: 5000, currency: 'EUR' }, // the kiosk takes what its cash simulator takes (EUR)
    cash: { simulator: { stepMs: 60 } },
    printer: { statusPollMs: 200 },
    audio: { sim: { pace: 'instant' } },
  },
  accessibility: { headset: { input: 'headset' }, audio: { rate: 'slow', volumeLevel: 3 } },
  assistance: { button: 'assist_button', light: 'assist_light' },
};

export interface KioskPage {
  broker: Broker;
  daemon: TestDaemon;
  playground: Playground;
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen in the browser. */
  errors: string[];
  /** Open the page (optionally in a language) and wait until the client is connected. */
  open(query?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startKioskPage(config: Record<string, unknown> = kioskConfig): Promise<KioskPage> {
  const broker = await startMosquitto();
  const daemon = await startTestDaemon({ brokerUrl: broker.url, config, kioskId: 'e2e-kiosk' });
  const playground = await startPlayground({
    port: 0,
    kiosk: { url: broker.wsUrl, kioskId: 'e2e-kiosk', root: 'kiosk', protocolVersion: 5, simulation: true },
  });
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'kioskd-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 1100 },
    locale: 'en-GB',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return {
    broker, daemon, playground, context, page, errors,
    async open(query = '') {
      await page.goto(`${playground.url}${query}`);
      await page.waitForSelector('body[data-ready="true"]');
    },
    async close() {
      await context.close().catch(() => undefined);
      await playground.close();
      await daemon.stop();
      await broker.stop();
    },
  };
}
