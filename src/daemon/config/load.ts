/** Reading and validating the configuration file; every problem is reported by its path. */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type KioskConfig } from './schema.js';

/** Exit status for a bad configuration (EX_CONFIG); the systemd unit does not restart on it. */
export const EXIT_CONFIG = 78;

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = issue.path.map(String).join('.');
  const prefix = at ? `${at}.` : '';
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${prefix}${k}: unknown key`);
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return [`${at}: required`];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Report the branch that got furthest instead of "invalid input".
    const best = [...issue.errors].sort((a, b) => b.length - a.length)[0] ?? [];
    const nested = best.flatMap((i) => describeIssue({ ...i, path: [...issue.path, ...i.path] }));
    if (nested.length > 0) return nested;
  }
  return [`${at || '(root)'}: ${issue.message}`];
}

/** Validate an already-parsed config object. */
export function validateConfig(value: unknown, source: string): KioskConfig {
  const result = configSchema.safeParse(value ?? {});
  if (!result.success) throw new ConfigError(source, result.error.issues.flatMap(describeIssue));
  return result.data;
}

/** Read, parse and validate a YAML config file. */
export async function loadConfigFile(path: string): Promise<KioskConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  let value: unknown;
  try {
    value = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new ConfigError(path, [`not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  return validateConfig(value, path);
}
