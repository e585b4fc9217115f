/**
 * The daemon's link to its local broker: the configured one, or the embedded broker (aedes, MQTT 3.1.1
 * only) started here when `mqtt.url` is `embedded`. A taken port fails the start (EADDRINUSE, saying
 * what to do): falling back onto whatever listens there would mix this kiosk's topics with another
 * instance's.
 */
import type { Topics } from '../api/topics.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../bus/embedded-broker.js';
import { MqttBus, type BusHandlers, type BusOptions } from '../bus/mqtt-bus.js';
import type { Logger } from '../core/logger.js';
import type { KioskConfig } from './config/schema.js';

export interface LocalBus {
  bus: MqttBus;
  broker: EmbeddedBroker | undefined;
  url: string;
  wsUrl: string | undefined;
  protocolVersion: 4 | 5;
}

export async function openLocalBus(o: {
  config: KioskConfig;
  log: Logger;
  kioskId: string;
  topics: Topics;
  password: string | undefined;
  simulated: BusOptions['simulated'];
  handlers: BusHandlers;
  onlinePayload: () => string;
}): Promise<LocalBus> {
  const { config, log } = o;
  let broker: EmbeddedBroker | undefined;
  let url = config.mqtt.url;
  let protocolVersion = config.mqtt.protocolVersion;
  if (url === 'embedded') {
    broker = await startEmbeddedBroker({ ...config.mqtt.embedded, log: log.child({ component: 'broker' }) });
    url = broker.url;
    protocolVersion = 4; // aedes speaks MQTT 3.1.1 only
  }
  const bus = new MqttBus(
    {
      url,
      clientId: config.mqtt.clientId ?? `kioskd-${o.kioskId}`,
      ...(config.mqtt.username !== undefined ? { username: config.mqtt.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      protocolVersion,
      keepaliveSec: config.mqtt.keepaliveSec,
      topics: o.topics,
      simulated: o.simulated,
      log: log.child({ component: 'bus' }),
    },
    o.handlers,
    o.onlinePayload,
  );
  return { bus, broker, url, wsUrl: broker?.wsUrl, protocolVersion };
}
