/** Small pure helpers of the client: JSON, API table lookups, parameter errors. */
import type { z } from 'zod';
import { KioskRequestError } from './errors.js';

export const decoder = new TextDecoder();
export const text = (bytes: Uint8Array): string => decoder.decode(bytes);
export const parseJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

export function randomId(): string {
  return Math.random().toString(36).slice(2, 10);
}

/** 128 random bits as hex, from the platform's CSPRNG (browser and Node 20 alike): a UI session's token. */
export function secretToken(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function lookup<T>(table: Readonly<Record<string, T>> | undefined, name: string, code: string, what: string): T {
  const found = table && Object.hasOwn(table, name) ? table[name] : undefined;
  if (found === undefined) throw new KioskRequestError(code, `${what} "${name}" is not in this client's API`, false);
  return found;
}

export function invalidParams(error: z.ZodError): KioskRequestError {
  const issues = error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message }));
  const message = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  return new KioskRequestError('INVALID_PARAMS', message, false, { issues });
}
