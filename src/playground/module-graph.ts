/**
 * Which compiled modules the browser needs for `kioskd/client`: the client's entry and every module it
 * imports, followed through relative specifiers in the emitted JavaScript. Bare specifiers are served
 * through the page's import map (`mqtt`, `zod`); anything else (a `node:` module, pino...) means the
 * client could not run in a browser, and is an error here rather than a blank page there.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

/** Bare specifiers the page's import map provides. */
export const BROWSER_PACKAGES = ['mqtt', 'zod'] as const;

// Static `import ... from '...'`, `export ... from '...'` and side-effect `import '...'` in emitted ES modules.
const SPECIFIER = /(?:^|[;\n}])\s*(?:import|export)\s*(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/g;

export function importSpecifiers(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1] ?? '');
}

export class BrowserIncompatibleError extends Error {}

/**
 * Walk the module graph from `entry` (a .js file under `root`); returns the paths relative to `root`.
 * Throws {@link BrowserIncompatibleError} naming the first module that imports what a browser lacks.
 */
export async function moduleClosure(root: string, entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const queue = [resolve(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    const rel = relative(root, file);
    if (seen.has(rel)) continue;
    if (rel.startsWith('..')) throw new BrowserIncompatibleError(`${entry} reaches ${file}, outside ${root}`);
    seen.add(rel);
    const source = await readFile(file, 'utf8');
    for (const spec of importSpecifiers(source)) {
      if (spec.startsWith('./') || spec.startsWith('../')) queue.push(join(dirname(file), spec));
      else if (!(BROWSER_PACKAGES as readonly string[]).includes(spec)) {
        throw new BrowserIncompatibleError(`${rel} imports "${spec}", which a browser cannot load`);
      }
    }
  }
  return seen;
}
