/** The ECR protocol plugins: config in, {@link PaymentTerminal} out. Each plugin loads lazily. */
import type { Clock } from '../../core/clock.js';
import { KioskError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Transports } from '../../core/transport.js';
import { CURRENCIES } from './api.js';
import type { CardConfig } from './config.js';
import type { PaymentTerminal } from './terminal.js';

export async function createTerminal(config: CardConfig, deps: { log: Logger; clock: Clock; transports: Transports }): Promise<PaymentTerminal> {
  const t = config.transport;
  if (!t) throw new KioskError('CONFIG_INVALID', 'devices.card.transport is required unless the card terminal is simulated');
  const stream = await deps.transports.stream(t);
  const timeouts = { ackMs: config.ackTimeoutMs, idleMs: config.idleTimeoutMs };
  switch (config.protocol) {
    case 'zvt': {
      const { ZvtTerminal } = await import('./zvt/terminal.js');
      return new ZvtTerminal(
        { stream, log: deps.log, clock: deps.clock, timeouts },
        { mode: t.type, password: config.password, currency: CURRENCIES[config.currency], charset: config.charset },
      );
    }
  }
}
