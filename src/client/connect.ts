/** `connect()`: open the MQTT connection and hand back a subscribed {@link KioskClient}. */
import mqtt, { type IClientOptions } from 'mqtt';
import { makeTopics } from '../api/topics.js';
import { randomId, secretToken } from './checks.js';
import { KioskClient } from './client.js';
import { KioskRequestError } from './errors.js';
import type { ConnectOptions } from './options.js';

/** Connect to the kiosk's broker; resolves once connected and subscribed. */
export async function connect(options: ConnectOptions): Promise<KioskClient> {
  const clientId = options.clientId ?? `kioskui-${randomId()}`;
  const sessionToken = secretToken();
  const topics = makeTopics(options.root ?? 'kiosk', options.kioskId);
  // The last will closes this connection's UI session the moment the broker loses the connection (a
  // closed tab, a crashed browser): the money devices stop taking money at once (docs/checkout.md).
  const will = { topic: topics.bridgeRequest('session-close', options.role ?? 'ui'), payload: JSON.stringify({ session: sessionToken, reason: 'vanished' }), qos: 1 as const, retain: false };
  const mqttOptions: IClientOptions = {
    clientId,
    protocolVersion: options.protocolVersion ?? 5,
    clean: true,
    reconnectPeriod: options.reconnectPeriodMs ?? 1000,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    resubscribe: false,
    will,
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  };
  const mqttClient = mqtt.connect(options.url, mqttOptions);
  const client = new KioskClient(mqttClient, { ...options, clientId, sessionToken });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      mqttClient.end(true);
      reject(new KioskRequestError('TIMEOUT', `could not connect to ${options.url}`, true));
    }, options.connectTimeoutMs ?? 10_000);
    mqttClient.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await client.init();
  return client;
}
