/**
 * The floor: the least any process can do to answer a kioskd request or turn an input into an event
 * through the same broker. A bare mqtt.js client, Nagle off, QoS 1 both ways (as kioskd), parsing and
 * serialising JSON (as any real responder must), and nothing else.
 *
 * usage: node dist/bench/responder.js <broker url> <topic base>
 *   {base}/device/gpio/request/set  -> {base}/device/gpio/response/set  {"status":"ok","data":{line,value}}
 *   {base}/sim/gpio/request/input   -> {base}/device/gpio/event/change  {line,value,direction,at}
 */
import mqtt from 'mqtt';

const [url, base] = process.argv.slice(2);
if (!url || !base) {
  process.stderr.write('usage: responder <broker url> <topic base>\n');
  process.exit(64);
}
const requestTopic = `${base}/device/gpio/request/set`;
const responseTopic = `${base}/device/gpio/response/set`;
const inputTopic = `${base}/sim/gpio/request/input`;
const eventTopic = `${base}/device/gpio/event/change`;

const client = mqtt.connect(url, { protocolVersion: 5, reconnectPeriod: 0, clean: true });
client.on('connect', () => {
  (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  client.subscribe([requestTopic, inputTopic], { qos: 1 }, (err) => {
    if (err) throw err;
    process.stdout.write('ready\n');
  });
});
client.on('message', (topic, payload) => {
  const body = JSON.parse(payload.toString()) as { line: string; value: boolean | number };
  const value = body.value === true || body.value === 1;
  if (topic === requestTopic) {
    client.publish(responseTopic, JSON.stringify({ status: 'ok', data: { line: body.line, value } }), { qos: 1 });
  } else if (topic === inputTopic) {
    client.publish(eventTopic, JSON.stringify({ line: body.line, value, direction: 'input', at: new Date().toISOString() }), { qos: 1 });
  }
});
process.on('SIGTERM', () => client.end(true, {}, () => process.exit(0)));
