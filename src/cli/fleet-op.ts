/**
 * `kioskd fleet op KIOSK OP --url URL [--ca F --cert F --key F] [--prefix fleet] [--region R] [--input JSON]
 * [--as NAME] [--timeout MS]`: run one remote operation on one kiosk and print its answer. It goes the
 * way every remote operation goes (src/fleet/link.ts): an MQTT 5 request on `{base}/request/{op}` with a
 * response topic under the kiosk's own prefix (which the broker's kiosk ACL lets it publish to),
 * correlation data, and the operator's name in the `requester` user property; the kiosk checks its own
 * `fleet.remoteOps` allow-list. Exit 0 on an ok answer, 1 on an error answer, 75 when none came.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import mqtt, { type MqttClient } from 'mqtt';
import { fleetFilters, fleetKioskBase, makeFleetTopics, splitFleetTopic } from '../api/fleet-topics.js';
import { REMOTE_OPS } from '../fleet/config.js';
import { intOption, noneLeft, option, UsageError } from './usage.js';

export const OP_USAGE = `kioskd fleet op KIOSK OP --url URL [--ca F --cert F --key F] [--prefix fleet] [--region R] [--input JSON] [--as NAME] [--timeout MS]   (OP: ${REMOTE_OPS.join(', ')})`;

const EX_TEMPFAIL = 75;
const ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The kiosk's region(s), from the retained link state under `{prefix}/+/{kiosk}/state`. */
async function findRegions(client: MqttClient, prefix: string, kiosk: string, waitMs: number): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const filter = fleetFilters.kioskState(prefix, kiosk);
  const onMessage = (topic: string, payload: Buffer): void => {
    const region = topic.slice(prefix.length + 1).split('/')[0];
    const at = splitFleetTopic(topic);
    if (!region || at?.suffix !== 'state' || at.base !== fleetKioskBase(prefix, region, kiosk)) return;
    let state = '?';
    try {
      const v = (JSON.parse(payload.toString('utf8')) as { state?: unknown }).state;
      if (typeof v === 'string') state = v;
    } catch {
      /* keep '?' */
    }
    found.set(region, state);
  };
  client.on('message', onMessage);
  await client.subscribeAsync(filter, { qos: 1 });
  await new Promise((r) => setTimeout(r, waitMs));
  client.off('message', onMessage);
  await client.unsubscribeAsync(filter);
  return found;
}

export async function opCommand(args: string[]): Promise<number> {
  const url = option(args, '--url');
  const ca = option(args, '--ca');
  const cert = option(args, '--cert');
  const key = option(args, '--key');
  const prefix = (option(args, '--prefix') ?? 'fleet').replace(/\/+$/, '');
  let region = option(args, '--region');
  const inputText = option(args, '--input');
  const requester = (option(args, '--as') ?? userInfo().username).slice(0, 64);
  const timeoutMs = intOption(args, '--timeout', 30_000, 100, 600_000);
  const [kiosk, op, ...rest] = args;
  noneLeft(rest);
  if (!url || !kiosk || !op) throw new UsageError(`usage: ${OP_USAGE}`);
  if (!ID.test(kiosk) || (region !== undefined && !ID.test(region))) throw new UsageError('KIOSK and --region: letters, digits, dot, dash, underscore');
  if (!(REMOTE_OPS as readonly string[]).includes(op)) throw new UsageError(`unknown operation ${op}; remote operations are ${REMOTE_OPS.join(', ')}`);
  let input: unknown = {};
  try {
    input = inputText === undefined ? {} : JSON.parse(inputText);
  } catch {
    throw new UsageError('--input must be JSON, e.g. \'{"device":"printer"}\'');
  }
  const client = mqtt.connect(url, {
    protocolVersion: 5,
    clientId: `kioskd-fleet-op-${process.pid}-${randomBytes(3).toString('hex')}`,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...(ca ? { ca: readFileSync(ca) } : {}),
    ...(cert ? { cert: readFileSync(cert) } : {}),
    ...(key ? { key: readFileSync(key) } : {}),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    let state: string | undefined;
    if (region === undefined) {
      const regions = await findRegions(client, prefix, kiosk, 1500);
      if (regions.size === 0) {
        process.stderr.write(`kioskd fleet op: no kiosk ${kiosk} on ${url} (no retained ${fleetFilters.kioskState(prefix, kiosk)}); give --region to send anyway\n`);
        return EX_TEMPFAIL;
      }
      if (regions.size > 1) throw new UsageError(`kiosk ${kiosk} is in several regions (${[...regions.keys()].join(', ')}): give --region`);
      [region, state] = [...regions][0]!;
    }
    const topics = makeFleetTopics(fleetKioskBase(prefix, region, kiosk));
    const responseTopic = topics.response(op);
    const correlation = randomBytes(16);
    const answer = new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      client.on('message', (topic, payload, packet) => {
        const cd = packet.properties?.correlationData;
        if (topic !== responseTopic || !cd || !correlation.equals(cd)) return;
        clearTimeout(timer);
        resolve(payload.toString('utf8'));
      });
    });
    await client.subscribeAsync(responseTopic, { qos: 1 });
    await client.publishAsync(topics.request(op), JSON.stringify(input), {
      qos: 1,
      properties: { responseTopic, correlationData: correlation, userProperties: { requester } },
    });
    const text = await answer;
    if (text === undefined) {
      process.stderr.write(`kioskd fleet op: no answer from ${kiosk} within ${timeoutMs} ms${state && state !== 'online' ? ` (its link is ${state})` : ''}\n`);
      return EX_TEMPFAIL;
    }
    let body: { status?: unknown } = {};
    try {
      body = JSON.parse(text) as { status?: unknown };
      process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    } catch {
      process.stdout.write(`${text}\n`);
    }
    return body.status === 'ok' ? 0 : 1;
  } finally {
    await client.endAsync(true);
  }
}
