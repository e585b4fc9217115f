/**
 * Which failures a technician can meet in normal life (a taken port, a directory they may not write,
 * a missing tool), turned into one line with what to do and a sysexits code. Anything else is a bug
 * and keeps its stack trace (src/cli.ts).
 */
import { KioskError } from '../core/errors.js';
import { CliError, EXIT } from './args.js';

export function describeFailure(err: unknown): CliError | undefined {
  if (err instanceof KioskError) return new CliError(`${err.code}: ${err.message}`, err.code === 'DEPENDENCY_MISSING' ? EXIT.unavailable : EXIT.failure);
  if (!(err instanceof Error)) return undefined;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') return new CliError(e.message, EXIT.tempFail);
  if (['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST'].includes(e.code ?? '') && (e.syscall === 'mkdir' || e.syscall === 'open')) {
    return new CliError(
      `cannot write ${e.path ?? 'the state directory'} (${e.code}): run kioskd as its service (sudo systemctl start kioskd) or as the kioskd user, or point stateDir at a directory you can write`,
      EXIT.cantCreate,
    );
  }
  return undefined;
}
