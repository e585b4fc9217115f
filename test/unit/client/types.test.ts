/**
 * The client's types come from the daemon's zod schemas: these lines are checked by `tsc` (npm run
 * typecheck). Each `@ts-expect-error` fails the typecheck if the call it marks ever becomes legal.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { CommandParams, CommandResult, DeviceState, EventData, KioskClient, ProgressData } from '../../../src/client/index.js';
import type { CardOutcome } from '../../../src/drivers/card/api.js';
import { fakeClient } from './fake-mqtt.js';

/** Never called: only compiled. */
function calls(kiosk: KioskClient): void {
  void kiosk.request('gpio', 'set', { line: 'light_printer', value: true });
  void kiosk.request('gpio', 'set', { line: 'light_printer', value: 1 });
  // @ts-expect-error -- value must be a boolean, 0 or 1
  void kiosk.request('gpio', 'set', { line: 'light_printer', value: 'on' });
  // @ts-expect-error -- line is required
  void kiosk.request('gpio', 'set', { value: true });
  // @ts-expect-error -- set has no `ms`
  void kiosk.request('gpio', 'set', { line: 'light_printer', value: true, ms: 5 });
  // @ts-expect-error -- no such command
  void kiosk.request('gpio', 'toggle', {});
  // @ts-expect-error -- no such device
  void kiosk.request('fax', 'send', {});
  // @ts-expect-error -- amount is an integer in minor units, not a string
  void kiosk.request('card', 'sale', { amount: '25.00', reference: 'r', idempotencyKey: 'k' });
  void kiosk.request('card', 'sale', { amount: 2500, reference: 'r', idempotencyKey: 'k' }, {
    onProgress: (p) => expectTypeOf(p.messages.ar).toEqualTypeOf<string>(),
  });
  // @ts-expect-error -- gpio set has no progress event
  void kiosk.request('gpio', 'set', { line: 'a', value: true }, { onProgress: (p: { code: string }) => p });
  void kiosk.sim('gpio', 'input', { line: 'door', value: true });
  // @ts-expect-error -- the GPIO simulator has no `jam`
  void kiosk.sim('gpio', 'jam', {});
  void kiosk.bridgeRequest('restart-device', { device: 'gpio' });
  void kiosk.on('scanner', 'document', (doc) => expectTypeOf(doc.format).toEqualTypeOf<'TD1' | 'TD2' | 'TD3' | 'MRV-A' | 'MRV-B' | 'FR-ID' | 'CH-DL' | 'FR-DL' | null>());
  // @ts-expect-error -- GPIO has no `document` event
  void kiosk.on('gpio', 'document', () => undefined);
}

describe('client types', () => {
  it('derive parameters, results, events, progress and state from the schemas', async () => {
    expectTypeOf<CommandParams<'gpio', 'pulse'>>().toEqualTypeOf<{ line: string; ms: number }>();
    expectTypeOf<CommandResult<'card', 'sale'>>().toEqualTypeOf<CardOutcome>();
    expectTypeOf<EventData<'gpio', 'change'>['direction']>().toEqualTypeOf<'input' | 'output'>();
    expectTypeOf<ProgressData<'card', 'sale'>['idempotencyKey']>().toEqualTypeOf<string>();
    expectTypeOf<ProgressData<'gpio', 'set'>>().toBeNever();
    expectTypeOf<DeviceState<'gpio'>['detail']['outputs']>().toEqualTypeOf<Record<string, boolean>>();
    const { client } = await fakeClient();
    expectTypeOf(client.request('gpio', 'read', {})).resolves.toEqualTypeOf<{ inputs: Record<string, boolean>; outputs: Record<string, boolean> }>();
    expectTypeOf(calls).toBeFunction();
  });
});
