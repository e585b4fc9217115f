import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';

describe('logger', () => {
  it('redacts personal and card data by key, at any of three depths', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', journald: false, write: (l) => lines.push(l) });
    log.child({ device: 'scanner' }).info({ names: 'ERIKSSON ANNA', doc: { documentNumber: 'L898902C3', mrz: 'P<UTO' }, card: { pan: '4111111111111111' } }, 'scan');
    const text = lines.join('');
    for (const secret of ['ERIKSSON', 'L898902C3', 'P<UTO', '4111111111111111']) expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toMatchObject({ level: 'info', device: 'scanner', names: '[redacted]', msg: 'scan' });
  });

  it('prefixes journald priorities when asked', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', journald: true, write: (l) => lines.push(l) });
    log.error('e');
    log.warn('w');
    log.info('i');
    log.debug('d');
    expect(lines.map((l) => l.slice(0, 3))).toEqual(['<3>', '<4>', '<6>', '<7>']);
    expect(JSON.parse(lines[0]!.slice(3))).toMatchObject({ level: 'error', msg: 'e' });
  });
});
