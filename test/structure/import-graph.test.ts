/**
 * The house's shape, checked from the imports themselves (GUIDE.md "The product's shape", issue 14):
 * no circle, src/core imports nothing outside it, the client imports only src/api, a driver never
 * imports MQTT, the bus never imports a transport, only src/transports touches hardware. The rules are
 * data in test/helpers/import-graph.ts (MAY_IMPORT, RESTRICTED_PACKAGES), each with its reason; the
 * last block feeds them a graph that breaks every rule, so none of them can pass by accident.
 */
import { describe, expect, it } from 'vitest';
import { circles, readGraph, unitOf, violations, type Module } from '../helpers/import-graph.js';
import { repoRoot } from '../helpers/daemon.js';

const graph = readGraph(repoRoot);
const found = violations(graph);
const about = (rule: RegExp): string[] => found.filter((v) => rule.test(v.rule)).map((v) => `${v.rule}: ${v.detail}`);
const importsOf = (unit: string): string[] => graph.filter((m) => unitOf(m.file) === unit).flatMap((m) => m.imports.map((i) => `${m.file} -> ${i}`));

describe('the import graph of src/', () => {
  it('reads every module', () => {
    expect(graph.length).toBeGreaterThan(200);
    expect(graph.find((m) => m.file === 'src/daemon/daemon.ts')?.imports.length).toBeGreaterThan(10);
  });

  it('has no circle of files (type-only imports count) and none between units', () => {
    expect(circles(graph)).toEqual([]);
    expect(about(/circle/)).toEqual([]);
  });

  it('src/core imports nothing outside src/core', () => {
    expect(importsOf('core').filter((e) => !e.split(' -> ')[1]!.startsWith('src/core/'))).toEqual([]);
  });

  it('the client imports only src/api and its own files (nothing of src/core, src/bus or src/transports)', () => {
    expect(importsOf('client').filter((e) => !/ -> src\/(api|client)\//.test(e))).toEqual([]);
  });

  it('no driver imports MQTT; only the bus, the fleet, the CLI and the client do', () => {
    expect(about(/^MQTT/)).toEqual([]);
  });

  it('the bus imports no transport and no driver', () => {
    expect(importsOf('bus').filter((e) => / -> src\/(transports|drivers)\//.test(e))).toEqual([]);
  });

  it('only src/transports imports serialport, usb, onoff, koffi, node:net, child_process (named exceptions only)', () => {
    expect(about(/^hardware/)).toEqual([]);
    expect(about(/computed name/)).toEqual([]);
  });

  it('every unit imports only the floors below it', () => {
    expect(found.map((v) => `${v.rule}: ${v.detail}`)).toEqual([]);
  });
});

describe('the rules themselves fail on a graph that breaks them', () => {
  const mod = (file: string, imports: string[] = [], packages: string[] = [], computedImports = 0): Module => ({ file, imports, packages, computedImports });
  const bad: Module[] = [
    mod('src/core/driver.ts', ['src/daemon/daemon.ts']),
    mod('src/daemon/daemon.ts', ['src/fleet/monitoring.ts', 'src/core/driver.ts']),
    mod('src/fleet/monitoring.ts', ['src/daemon/daemon.ts']),
    mod('src/client/client.ts', ['src/core/driver.ts', 'src/bus/topics.ts', 'src/transports/tcp.ts']),
    mod('src/bus/topics.ts', ['src/transports/serial.ts']),
    mod('src/transports/tcp.ts', [], ['node:net']),
    mod('src/transports/serial.ts', [], ['serialport']),
    mod('src/drivers/card/driver.ts', ['src/drivers/cash/ledger.ts'], ['mqtt']),
    mod('src/drivers/cash/ledger.ts'),
    mod('src/cli/doctor.ts', [], ['node:child_process', 'pg'], 1),
  ];
  const rules = violations(bad).map((v) => `${v.rule} | ${v.detail}`);

  it('reports each break', () => {
    const expectBroken = (pattern: RegExp): void => expect(rules.some((r) => pattern.test(r)), `${pattern} in\n${rules.join('\n')}`).toBe(true);
    expectBroken(/^no circle of files \| .*src\/daemon\/daemon.ts -> src\/fleet\/monitoring.ts/);
    expectBroken(/^no circle of units/);
    expectBroken(/^core imports only itself \| src\/core\/driver.ts -> src\/daemon\/daemon.ts/);
    expectBroken(/^client imports only api \| src\/client\/client.ts -> src\/core\/driver.ts/);
    expectBroken(/^client imports only api \| src\/client\/client.ts -> src\/bus\/topics.ts/);
    expectBroken(/^client imports only api \| src\/client\/client.ts -> src\/transports\/tcp.ts/);
    expectBroken(/^bus imports only core, api \| src\/bus\/topics.ts -> src\/transports\/serial.ts/);
    expectBroken(/^MQTT: .* \| src\/drivers\/card\/driver.ts imports mqtt/);
    expectBroken(/^driver imports only .* \| src\/drivers\/card\/driver.ts -> src\/drivers\/cash\/ledger.ts/);
    expectBroken(/^hardware.* \| src\/cli\/doctor.ts imports node:child_process/);
    expectBroken(/^PostgreSQL.* \| src\/cli\/doctor.ts imports pg/);
    expectBroken(/^no import of a computed name .* \| src\/cli\/doctor.ts/);
    expect(rules.filter((r) => / src\/transports\/(tcp|serial).ts imports/.test(r))).toEqual([]);
  });
});
