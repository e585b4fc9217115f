/** MQTT clients for the bench: Nagle off (as the daemon's), connected before use. */
import mqtt, { type MqttClient } from 'mqtt';

export async function connectClient(url: string, opts: { protocolVersion?: 4 | 5; clientId?: string } = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { protocolVersion: opts.protocolVersion ?? 5, reconnectPeriod: 0, clean: true, ...(opts.clientId ? { clientId: opts.clientId } : {}) });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  return client;
}

export async function subscribe(client: MqttClient, topics: string | string[]): Promise<void> {
  await client.subscribeAsync(topics, { qos: 1 });
}

export async function closeClient(client: MqttClient): Promise<void> {
  await client.endAsync();
}

/** Resolves with the next message on `topic` matching `match`, or rejects after `timeoutMs`. */
export function nextMessage(client: MqttClient, match: (topic: string, payload: Buffer) => boolean, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const onMessage = (topic: string, payload: Buffer): void => {
      if (!match(topic, payload)) return;
      cleanup();
      resolve(payload);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no matching message within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('message', onMessage);
    };
    client.on('message', onMessage);
  });
}
