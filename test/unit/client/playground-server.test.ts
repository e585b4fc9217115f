/**
 * The playground server hands a browser exactly what the client needs and nothing else: the page, the
 * mqtt.js browser bundle, zod's ES modules and the client's own module closure (checked to import no
 * Node built-in), on 127.0.0.1, GET/HEAD only, no path escapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSpecifiers, moduleClosure, BrowserIncompatibleError } from '../../../src/playground/module-graph.js';
import { findPackageRoot, startPlayground, type Playground } from '../../../src/playground/server.js';
import { browserBrokerUrl, parsePlaygroundPort } from '../../../src/playground/cli.js';
import { parseCommandLine } from '../../../src/cli/args.js';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = findPackageRoot();

describe('module closure of kioskd/client', () => {
  it('reaches the API schemas and no Node built-in, logger or driver', async () => {
    const files = [...(await moduleClosure(join(root, 'dist', 'src'), 'client/index.js'))];
    expect(files).toEqual(expect.arrayContaining(['client/client.js', 'api/index.js', 'drivers/gpio/api.js', 'api/topics.js']));
    expect(files.filter((f) => /logger|daemon|driver\.js$|transports|journal/.test(f) && f !== 'core/driver.js')).toEqual([]);
  });

  it('names the module that would break in a browser', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'closure-'));
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'index.js'), "import { x } from './b.js';\nexport const y = x;\n");
    writeFileSync(join(dir, 'a', 'b.js'), "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n");
    await expect(moduleClosure(dir, 'a/index.js')).rejects.toThrow(BrowserIncompatibleError);
    await expect(moduleClosure(dir, 'a/index.js')).rejects.toThrow('a/b.js imports "node:fs"');
  });

  it('finds static, re-export and side-effect imports in emitted code', () => {
    const src = "import a from 'mqtt';\nimport { b } from './b.js';\nexport * from '../c.js';\nexport { d } from \"./d.js\";\nimport './e.js';\nconst s = 'import x from \"nope\"';";
    expect(importSpecifiers(src)).toEqual(['mqtt', './b.js', '../c.js', './d.js', './e.js']);
  });
});

describe('playground HTTP server', () => {
  let pg: Playground;
  const kiosk = { url: 'ws://127.0.0.1:9001', kioskId: 'k1', root: 'kiosk', protocolVersion: 4 as const, simulation: true };
  const get = (path: string, init?: RequestInit) => fetch(new URL(path, pg.url), init);

  beforeAll(async () => {
    pg = await startPlayground({ port: 0, kiosk });
  });
  afterAll(async () => {
    await pg?.close();
  });

  it('listens on 127.0.0.1 by default', () => {
    expect(pg.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the page with its import map, the config, the bundle, zod and the client', async () => {
    const page = await (await get('/')).text();
    expect(page).toContain('"mqtt": "/vendor/mqtt.esm.js"');
    expect(await (await get('/config.json')).json()).toEqual(kiosk);
    const bundle = await get('/vendor/mqtt.esm.js');
    expect(bundle.headers.get('content-type')).toContain('text/javascript');
    expect(await bundle.text()).toContain('export default');
    expect((await get('/vendor/zod/index.js')).status).toBe(200);
    expect((await get('/vendor/zod/v4/classic/external.js')).status).toBe(200);
    expect(await (await get('/lib/client/index.js')).text()).toContain('connect');
    expect((await get('/static/tiles/card.js')).status).toBe(200);
  });

  it('serves nothing outside what the browser needs', async () => {
    expect((await get('/lib/daemon/daemon.js')).status).toBe(404);
    expect((await get('/lib/core/logger.js')).status).toBe(404);
    expect((await get('/vendor/zod/package.json')).status).toBe(404);
    expect((await get('/static/..%2F..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await get('/vendor/zod/..%2F..%2Fmqtt%2Fpackage.json')).status).toBe(404);
    expect((await get('/static/', { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await get('/static/app.js', { method: 'HEAD' })).status).toBe(200);
  });
});

describe('--playground option', () => {
  it('takes an optional port', () => {
    const port = (argv: string[]): unknown => {
      const cmd = parseCommandLine(argv);
      return cmd.name === 'run' ? cmd.values.playground : cmd.name;
    };
    expect(port(['--config', 'x.yaml'])).toBeUndefined();
    expect(port(['--playground'])).toBe('8080');
    expect(port(['--playground', '--config', 'x'])).toBe('8080');
    expect(port(['--playground', '9090'])).toBe('9090');
    expect(parsePlaygroundPort('9090')).toBe(9090);
    expect(() => parsePlaygroundPort('70000')).toThrow();
  });

  it('points the page at a WebSocket the browser can reach', () => {
    const config = (url: string) => ({ mqtt: { url } }) as Parameters<typeof browserBrokerUrl>[0];
    expect(browserBrokerUrl(config('embedded'), { brokerWsUrl: 'ws://127.0.0.1:9001' })).toBe('ws://127.0.0.1:9001');
    expect(browserBrokerUrl(config('wss://broker:8884'), { brokerWsUrl: undefined })).toBe('wss://broker:8884');
    expect(browserBrokerUrl(config('mqtt://127.0.0.1:1883'), { brokerWsUrl: undefined })).toBeUndefined();
  });
});
