/** The ECR protocol plugins: config in, {@link PaymentTerminal} out. Each plugin loads lazily. */
import type { Clock } from '../../core/clock.js';
import { KioskError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Transports } from '../../core/transport.js';
import { CURRENCIES } from './api.js';
import type { CardConfig } from './config.js';
import type { PaymentTerminal, TerminalDeps } from './terminal.js';

/**
 * `timeoutScale` (accessible mode, DriverDeps.timeoutScale) stretches the terminal's silence limit, read
 * as each operation starts: a person at the card prompt or PIN pad may take longer. The acknowledgement
 * timeout is the protocol's and is never scaled.
 */
export function terminalTimeouts(config: CardConfig, timeoutScale: () => number = () => 1): TerminalDeps['timeouts'] {
  return {
    ackMs: config.ackTimeoutMs,
    get idleMs() {
      return Math.round(config.idleTimeoutMs * Math.max(1, timeoutScale()));
    },
  };
}

export async function createTerminal(
  config: CardConfig,
  deps: { log: Logger; clock: Clock; transports: Transports; timeoutScale?: (() => number) | undefined },
): Promise<PaymentTerminal> {
  const t = config.transport;
  if (!t) throw new KioskError('CONFIG_INVALID', 'devices.card.transport is required unless the card terminal is simulated');
  const stream = await deps.transports.stream(t);
  const timeouts = terminalTimeouts(config, deps.timeoutScale);
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
