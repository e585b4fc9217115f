/**
 * The import graph of src/, read from the sources with TypeScript's own pre-processor (static imports,
 * `import type`, re-exports and dynamic imports of a literal), and the rules of the house's shape
 * (GUIDE.md "The product's shape", STYLE.md rules 1 and 3) as data. `violations()` is pure, so a test
 * can feed it a graph that breaks each rule and see every rule fail.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface Module {
  /** Repository-relative path, `src/daemon/daemon.ts`. */
  readonly file: string;
  /** Repository-relative paths of the src files it imports (type-only imports included). */
  readonly imports: readonly string[];
  /** Bare specifiers it imports: packages and `node:` modules. */
  readonly packages: readonly string[];
  /** Dynamic imports of a computed name, which no rule can see through. */
  readonly computedImports: number;
}

/** Every .ts module under `src/` of `root` (the playground's browser files are not TypeScript). */
export function readGraph(root: string): Module[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) files.push(path);
    }
  };
  walk(join(root, 'src'));
  return files.sort().map((path) => {
    const text = readFileSync(path, 'utf8');
    const imports: string[] = [];
    const packages: string[] = [];
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!spec.startsWith('.')) {
        packages.push(spec);
        continue;
      }
      const target = resolve(dirname(path), spec.replace(/\.js$/, '.ts'));
      if (!existsSync(target)) throw new Error(`${relative(root, path)} imports ${spec}, which is not a .ts file under src/`);
      imports.push(relative(root, target));
    }
    // `import(name)` with a computed name: strip comments and strings first, then look for what is left.
    const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g, "''");
    const computedImports = [...code.matchAll(/\bimport\(\s*([^\s)])/g)].filter((m) => m[1] !== "'" && m[1] !== '`').length;
    return { file: relative(root, path), imports, packages, computedImports };
  });
}

/** The unit a file belongs to: a top folder of src/, one driver, or the process entry. */
export function unitOf(file: string): string {
  if (file === 'src/cli.ts') return 'entry';
  const parts = file.split('/');
  if (parts[1] === 'drivers') return `drivers/${parts[2]}`;
  return parts[1] ?? file;
}

/** What an import lands on, for the rules: a driver's schemas and its registry entry are narrower than the driver. */
function targetKind(file: string): string {
  const unit = unitOf(file);
  if (!unit.startsWith('drivers/')) return unit;
  if (file.endsWith('/api.ts')) return 'driver schemas';
  if (file.endsWith('/kind.ts')) return 'driver kind';
  return 'driver';
}

/** Which units each unit may import (besides itself), and why. Read top to bottom: the house's floors. */
export const MAY_IMPORT: Readonly<Record<string, { readonly may: readonly string[]; readonly why: string }>> = {
  core: { may: [], why: 'contracts only (driver, errors, clock, logger, journal, roles): what everything may import; it imports nothing' },
  transports: { may: ['core'], why: 'the only code that touches hardware, behind small interfaces; it knows no device' },
  driver: { may: ['core', 'transports', 'driver schemas'], why: 'a driver knows its contract and its transports, and another driver only by its schemas' },
  api: { may: ['core', 'driver schemas'], why: 'the contract as data (schemas, topics, docs), loadable in a browser' },
  bus: { may: ['core', 'api'], why: 'MQTT and the request router; never a transport or a driver' },
  health: { may: ['core', 'api', 'transports', 'driver schemas'], why: 'health snapshots, alerts, systemd notify and watchdog; it sees the daemon only through what it is handed' },
  fleet: { may: ['core', 'api', 'bus', 'health'], why: 'the fleet link and store observe the daemon through src/api/tap.ts, never the daemon itself' },
  daemon: { may: ['core', 'api', 'bus', 'health', 'fleet', 'driver kind', 'transports'], why: 'the composition root: the only place that knows every part; drivers only through the registry; it makes the transport factory (src/transports/factory.ts) that drivers are handed in DriverDeps' },
  cli: { may: ['core', 'api', 'bus', 'health', 'fleet', 'daemon', 'transports', 'driver', 'driver schemas', 'driver kind'], why: 'the technician\'s subcommands' },
  playground: { may: ['core', 'api', 'cli', 'daemon'], why: 'the UI playground served next to the daemon' },
  client: { may: ['api'], why: 'the client library: the API as data and its own files, nothing of the daemon' },
  entry: { may: ['*'], why: 'src/cli.ts, the process entry, on top of everything' },
};

function ruleOf(unit: string): { may: readonly string[]; why: string } | undefined {
  return MAY_IMPORT[unit.startsWith('drivers/') ? 'driver' : unit];
}

/** Packages only some modules may import: hardware, processes and sockets, MQTT, PostgreSQL. */
export const RESTRICTED_PACKAGES: ReadonlyArray<{ readonly name: string; readonly match: RegExp; readonly only: RegExp; readonly why: string; readonly except?: Readonly<Record<string, string>> }> = [
  {
    name: 'hardware, processes and sockets',
    match: /^(serialport|@serialport\/.*|usb|onoff|koffi|(node:)?(net|child_process|dgram))$/,
    only: /^src\/transports\//,
    why: 'only src/transports/ touches hardware (STYLE rule 3); everything else is handed a transport',
    except: {
      'src/bus/embedded-broker.ts node:net': 'the embedded MQTT broker is the local bus itself: a TCP listener on loopback, not a device',
      'src/playground/cli.ts node:net': 'checks that the playground port is free before any device starts, then closes it',
      'src/cli/sandbox.ts node:net': 'isIP only, to tell addresses from host names in the sandbox drop-in: no socket',
    },
  },
  {
    name: 'MQTT',
    match: /^(mqtt|mqtt\/.*|aedes|ws)$/,
    only: /^src\/(bus|fleet|cli|client)\//,
    why: 'a driver never imports MQTT; the bus, the fleet link and store, the CLI and the client library speak it',
    except: {},
  },
  { name: 'PostgreSQL', match: /^pg$/, only: /^src\/fleet\/store\//, why: 'only the fleet store talks to PostgreSQL', except: {} },
];

/** Dynamic imports of a computed name are allowed only where an optional native module is loaded by name. */
export const COMPUTED_IMPORTS_ALLOWED: Readonly<Record<string, string>> = {
  'src/transports/gpio/sysfs.ts': 'onoff is optional and absent where it cannot be compiled; a literal would fail tsc on a fresh npm ci',
};

/** Strongly connected components of more than one file (Tarjan), each a circle of imports. */
export function circles(modules: readonly Module[]): string[][] {
  const edges = new Map(modules.map((m) => [m.file, m.imports]));
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The graph of units (a circle there is a knot between floors even when no two files form one). */
export function unitGraph(modules: readonly Module[]): Module[] {
  const units = new Map<string, Set<string>>();
  for (const m of modules) {
    const from = unitOf(m.file);
    const to = units.get(from) ?? new Set<string>();
    for (const i of m.imports) if (unitOf(i) !== from) to.add(unitOf(i));
    units.set(from, to);
  }
  return [...units].map(([file, to]) => ({ file, imports: [...to], packages: [], computedImports: 0 }));
}

export interface Violation {
  readonly rule: string;
  readonly detail: string;
}

/** Every way `modules` breaks the house's shape; empty when it holds. */
export function violations(modules: readonly Module[]): Violation[] {
  const out: Violation[] = [];
  for (const c of circles(modules)) out.push({ rule: 'no circle of files', detail: c.join(' -> ') });
  for (const c of circles(unitGraph(modules))) out.push({ rule: 'no circle of units', detail: c.join(' -> ') });
  for (const m of modules) {
    const from = unitOf(m.file);
    const rule = ruleOf(from);
    if (!rule) {
      out.push({ rule: 'every unit has a rule', detail: `${m.file}: unit ${from} is not in MAY_IMPORT` });
      continue;
    }
    for (const target of m.imports) {
      if (unitOf(target) === from || rule.may.includes('*')) continue;
      const kind = targetKind(target);
      // A driver's schemas and registry entry are part of the driver: who may import the driver may import them.
      const may = rule.may.includes(kind) || (kind !== 'driver' && rule.may.includes('driver'));
      if (!may) out.push({ rule: `${from.startsWith('drivers/') ? 'driver' : from} imports only ${rule.may.join(', ') || 'itself'}`, detail: `${m.file} -> ${target} (${kind})` });
    }
    for (const spec of m.packages) {
      for (const p of RESTRICTED_PACKAGES) {
        if (!p.match.test(spec) || p.only.test(m.file) || p.except?.[`${m.file} ${spec}`] !== undefined) continue;
        out.push({ rule: `${p.name}: ${p.why}`, detail: `${m.file} imports ${spec}` });
      }
    }
    if (m.computedImports > 0 && COMPUTED_IMPORTS_ALLOWED[m.file] === undefined) {
      out.push({ rule: 'no import of a computed name outside the allowed places', detail: `${m.file}: ${m.computedImports}` });
    }
  }
  return out;
}
