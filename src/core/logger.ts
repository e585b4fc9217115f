/**
 * Logging: JSON lines on stdout, one pino child per driver, personal and card data redacted by one
 * list configured here. Under systemd (JOURNAL_STREAM set) each line starts with the sd-daemon priority
 * prefix (`<3>` error ... `<7>` debug) so `journalctl -p err -u kioskd` works.
 */
import pino from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Keys that may carry personal or card data. Any log object with these keys, at the top level or one or
 * two levels down, has them replaced by "[redacted]". Drivers must still not log such data; this is the
 * net under the rope.
 */
export const REDACTED_KEYS = [
  'mrz', 'lines', 'names', 'surname', 'givenNames', 'firstName', 'lastName', 'documentNumber',
  'birthDate', 'dateOfBirth', 'personalNumber', 'optional', 'pan', 'cardNumber', 'track', 'track1',
  'track2', 'track3', 'pin', 'cvv', 'expiry', 'expiryDate', 'raw', 'data', 'barcode', 'nationalId', 'optionalData',
] as const;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of REDACTED_KEYS) paths.push(key, `*.${key}`, `*.*.${key}`);
  return paths;
}

const PRIORITY: Record<string, string> = {
  fatal: '<2>', error: '<3>', warn: '<4>', info: '<6>', debug: '<7>', trace: '<7>',
};

export interface LoggerOptions {
  level: LogLevel;
  /** Prefix lines with journald priorities. */
  journald: boolean;
  /** Where lines go; stdout by default. Tests pass a collector. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const destination = {
    write(line: string): void {
      if (!options.journald) {
        write(line);
        return;
      }
      // formatters.level puts `"level":"info"` first: {"level":"info",...
      const end = line.indexOf('"', 10);
      const label = line.slice(10, end);
      write((PRIORITY[label] ?? '<6>') + line);
    },
  };
  return pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths(), censor: '[redacted]' },
    },
    destination,
  );
}
