/**
 * The UI developer's path: `kioskd --playground` on the simulated kiosk with the embedded broker (MQTT
 * 3.1.1 over WebSocket), the page opened in Chromium, a light switched from it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/daemon.js';
import { CHROMIUM, CHROMIUM_ARGS, canRunBrowser } from './kiosk-page.js';

describe.skipIf(!canRunBrowser)('kioskd --playground (embedded broker)', () => {
  let proc: ChildProcess | undefined;
  let context: BrowserContext | undefined;
  afterAll(async () => {
    await context?.close();
    if (proc && proc.exitCode === null) {
      const exited = new Promise((resolve) => proc?.once('exit', resolve));
      proc.kill('SIGTERM');
      await exited;
    }
  });

  it('serves a page that drives the kiosk over the embedded broker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kioskd-pg-'));
    const config = {
      kioskId: 'pg-kiosk',
      simulation: true,
      stateDir: join(dir, 'state'),
      mqtt: { url: 'embedded', embedded: { port: 0, wsPort: 0 } },
      devices: { gpio: { backend: 'sim', inputs: { presence: { line: 'GPIO17' } }, outputs: { light_printer: { line: 'GPIO5' } } } },
    };
    writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config));
    const child = spawn(process.execPath, [join(repoRoot, 'dist', 'src', 'cli.js'), '--config', join(dir, 'config.yaml'), '--playground', '0'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc = child;
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /playground (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`kioskd exited ${code}: ${err}`)));
    });
    const served = (await (await fetch(new URL('/config.json', url))).json()) as Record<string, unknown>;
    expect(served).toMatchObject({ kioskId: 'pg-kiosk', root: 'kiosk', protocolVersion: 4, simulation: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/) });

    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'kioskd-chromium-')), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}?lang=de`);
    await page.waitForSelector('[data-testid="tile-gpio"][data-status="ready"]');
    // Devices this kiosk does not have are shown as such.
    await page.waitForSelector('[data-testid="tile-printer"][data-status="notFitted"]');
    expect(await page.locator('[data-testid="status-printer"]').textContent()).toBe('nicht eingebaut');
    await page.locator('[data-testid="light-light_printer"]').click();
    await page.waitForSelector('[data-testid="light-light_printer"][aria-pressed="true"]');
    expect(await page.locator('[data-testid="light-light_printer"]').textContent()).toBe('an');
    expect(errors).toEqual([]);
  });
});
