/** `kioskd sandbox`: the drop-in holds exactly what the config reaches beyond the shipped unit. */
import { describe, expect, it } from 'vitest';
import { blockedPeers, networkPeers, rulesOf, sandboxDropIn } from '../../../src/cli/sandbox.js';
import { validateConfig } from '../../../src/daemon/config/load.js';

const resolve = async (host: string): Promise<string[]> => (host === 'fleet.example.org' ? ['203.0.113.10', '2001:db8::10'] : Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })));
const nameservers = async (): Promise<string[]> => ['198.51.100.53'];

describe('kioskd sandbox', () => {
  it('the Pi example: LAN card terminal, fleet broker by name with its resolver; the local broker needs nothing', async () => {
    const config = validateConfig({
      mqtt: { url: 'mqtt://127.0.0.1:1883' },
      fleet: { enabled: true, url: 'mqtts://fleet.example.org:8883', region: 'r', tls: { ca: '/c', cert: '/c', key: '/k' } },
      devices: {
        card: { protocol: 'zvt', currency: 'AED', transport: { type: 'tcp', host: '192.168.10.30', port: 20007 } },
        printer: { transport: { type: 'tcp', host: '192.168.10.20' } },
      },
    }, 't');
    const text = await sandboxDropIn(config, '/etc/kioskd/config.yaml', { resolve, nameservers });
    expect(rulesOf(text)).toEqual([
      '[Service]',
      'IPAddressAllow=2001:db8::10', 'IPAddressAllow=203.0.113.10',
      'IPAddressAllow=192.168.10.30',
      'IPAddressAllow=192.168.10.20',
      'IPAddressAllow=198.51.100.53',
    ]);
    expect(text).toContain('# devices.card.transport.host');
    expect(text).toContain('fleet.url: fleet.example.org as resolved now');
  });

  it('simulated devices, loopback brokers and a disabled fleet need no rule; sysfs GPIO needs a writable /sys', async () => {
    const simulated = validateConfig({ simulation: true, devices: { card: { protocol: 'zvt', currency: 'AED', transport: { type: 'tcp', host: '192.168.10.30', port: 20007 } } } }, 't');
    expect(networkPeers(simulated)).toEqual([]);
    expect(rulesOf(await sandboxDropIn(simulated, 'c', { resolve, nameservers }))).toEqual(['[Service]']);
    const sysfs = validateConfig({ mqtt: { url: 'mqtt://localhost:1883' }, devices: { gpio: { backend: 'sysfs', chip: 'gpiochip0', outputs: { l: { line: 5 } } } } }, 't');
    expect(rulesOf(await sandboxDropIn(sysfs, 'c', { resolve, nameservers }))).toEqual(['[Service]', 'ProtectKernelTunables=no']);
  });

  it('a host name that does not resolve is an error naming the key', async () => {
    const config = validateConfig({ mqtt: { url: 'mqtt://broker.invalid:1883' } }, 't');
    await expect(sandboxDropIn(config, 'c', { resolve, nameservers })).rejects.toThrow('mqtt.url: cannot resolve broker.invalid (ENOTFOUND)');
  });

  it('blockedPeers: configured IP addresses the installed drop-in does not allow', () => {
    const config = validateConfig({ devices: { card: { protocol: 'zvt', currency: 'AED', transport: { type: 'tcp', host: '192.0.2.30', port: 20007 } } } }, 't');
    expect(blockedPeers(config, '')).toEqual([{ at: 'devices.card.transport.host', host: '192.0.2.30' }]);
    expect(blockedPeers(config, '[Service]\nIPAddressAllow=192.0.2.30\n')).toEqual([]);
  });
});
