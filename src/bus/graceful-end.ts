/** Leaving a broker on purpose: our own `offline` (retained), then a clean disconnect, both bounded. */
import type { MqttClient } from 'mqtt';

/**
 * Publish `offline` retained (when connected; waits at most 1 s for the broker's ack), then end the
 * connection cleanly so the last will is not sent (forced after 1.5 s). Never throws.
 */
export async function publishOfflineAndEnd(client: MqttClient | undefined, offline: { topic: string; payload: string }): Promise<void> {
  if (!client) return;
  if (client.connected) {
    await new Promise<void>((resolve) => {
      client.publish(offline.topic, offline.payload, { qos: 1, retain: true }, () => resolve());
      setTimeout(resolve, 1000).unref();
    });
  }
  await new Promise<void>((resolve) => {
    client.end(false, {}, () => resolve());
    setTimeout(() => {
      client.end(true);
      resolve();
    }, 1500).unref();
  });
}
