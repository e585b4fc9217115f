/** Command-line mistakes in the fleet subcommands: usage on stderr and exit 64 (EX_USAGE). */
import { takeOption } from './common.js';

export class UsageError extends Error {}

/** `--name value` out of args; a flag without its value is a usage error. */
export function option(args: string[], name: string): string | undefined {
  try {
    return takeOption(args, name);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** An integer option within bounds. */
export function intOption(args: string[], name: string, def: number, min: number, max: number): number {
  const v = option(args, name);
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** Anything left over after the known options were taken. */
export function noneLeft(args: string[]): void {
  if (args.length > 0) throw new UsageError(`unknown argument ${args[0]}`);
}
