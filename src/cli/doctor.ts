/**
 * `kioskd doctor`: checks everything a kiosk needs, each pass/fail with the fix. Exit 0 when nothing
 * failed, 1 otherwise. `--user NAME` checks device access for that account (default kioskd where it
 * exists, else the current user); `--json` prints the checks as JSON.
 */
import { userInfo } from 'node:os';
import { ConfigError, loadConfigFile } from '../daemon/config/load.js';
import type { KioskConfig } from '../daemon/config/schema.js';
import { BRIDGE_RETAINED } from '../api/topics.js';
import { connectLocal, localTopics, localUrl, readRetained, requestLocal, takeFlag, takeOption } from './common.js';
import {
  checkClock, checkDevicePath, checkDisk, checkFleetFiles, checkGpiodTools, checkGroups, devicePaths, readAccount, type Account, type Check,
} from './doctor-checks.js';
import { checkFonts, checkNativeModules, checkPasswordFile, checkSandbox } from './doctor-install.js';
import { checkAudio } from './doctor-audio.js';

async function checkBrokerAndPrinter(config: KioskConfig): Promise<Check[]> {
  const url = localUrl(config);
  let client;
  try {
    client = await connectLocal(config);
  } catch (err) {
    const fix =
      config.mqtt.url === 'embedded'
        ? 'the embedded broker runs inside kioskd: sudo systemctl start kioskd, then journalctl -u kioskd -e'
        : `start the broker (sudo systemctl start mosquitto) or correct mqtt.url; test with mosquitto_sub -L ${url}/# -W 2`;
    return [
      { name: 'broker reachable', result: 'fail', detail: `${url}: ${(err as Error).message}`, fix },
      { name: 'printer answers', result: 'skip', detail: 'no broker' },
    ];
  }
  try {
    const out: Check[] = [{ name: 'broker reachable', result: 'pass', detail: url }];
    const topics = localTopics(config);
    const retained = await readRetained(client, topics);
    const state = retained.get(BRIDGE_RETAINED.state) as { state?: string } | undefined;
    if (state?.state !== 'online') {
      out.push({ name: 'daemon online', result: 'fail', detail: `${topics.bridgeState} is ${state?.state ?? 'absent'}`, fix: 'sudo systemctl start kioskd; journalctl -u kioskd -e shows why it stopped' });
      out.push({ name: 'printer answers', result: 'skip', detail: 'the daemon is not running' });
      return out;
    }
    out.push({ name: 'daemon online', result: 'pass', detail: `${topics.bridgeState} online` });
    if (!config.devices.printer?.enabled) {
      out.push({ name: 'printer answers', result: 'skip', detail: 'no printer configured' });
      return out;
    }
    const reply = (await requestLocal(client, topics, { device: 'printer' }, 'status', {}, 5000).catch((err: Error) => ({ status: 'error', error: { code: 'TIMEOUT', message: err.message } }))) as {
      status: string;
      data?: { paper?: string; cover?: string };
      error?: { code: string; message: string };
    };
    out.push(
      reply.status === 'ok'
        ? { name: 'printer answers', result: 'pass', detail: `paper ${reply.data?.paper ?? '?'}, cover ${reply.data?.cover ?? '?'}` }
        : { name: 'printer answers', result: 'fail', detail: `${reply.error?.code}: ${reply.error?.message}`, fix: 'check the printer is on and its cable; kioskd status shows the printer state; journalctl -u kioskd -o cat | jq \'select(.device=="printer")\'' },
    );
    return out;
  } finally {
    await client.endAsync(true);
  }
}

async function account(name: string | undefined): Promise<Account> {
  const wanted = name ?? ((await readAccount('kioskd')) ? 'kioskd' : userInfo().username);
  const a = await readAccount(wanted);
  if (a) return a;
  const me = userInfo();
  return { name: wanted, uid: me.uid, gid: me.gid, gids: [me.gid], groupNames: [] };
}

export async function runDoctor(configPath: string, userName: string | undefined): Promise<Check[]> {
  let config: KioskConfig;
  try {
    config = await loadConfigFile(configPath);
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems.join('; ') : (err as Error).message;
    return [{ name: 'config valid', result: 'fail', detail: `${configPath}: ${problems}`, fix: `correct the file, then run kioskd config check ${configPath}` }];
  }
  const who = await account(userName);
  const checks: Check[] = [{ name: 'config valid', result: 'pass', detail: configPath }];
  for (const d of devicePaths(config)) checks.push(await checkDevicePath(d, who));
  checks.push(...(await checkGroups(config, who)));
  checks.push(...(await checkPasswordFile(config, who)));
  checks.push(...(await checkBrokerAndPrinter(config)));
  checks.push(...(await checkFonts(config)));
  checks.push(...(await checkNativeModules(config)));
  const gpio = config.devices.gpio;
  if (gpio?.enabled && gpio.backend === 'gpiod' && !gpio.simulate && !config.simulation) checks.push(await checkGpiodTools());
  checks.push(await checkSandbox(config, configPath));
  checks.push(...(await checkAudio(config, who)));
  checks.push(await checkClock(config));
  checks.push(await checkDisk(config));
  checks.push(...(await checkFleetFiles(config)));
  return checks;
}

export function renderChecks(checks: Check[]): string {
  const lines = checks.map((c) => {
    const head = `${c.result.toUpperCase().padEnd(4)}  ${c.name}: ${c.detail}`;
    return c.fix ? `${head}\n      fix: ${c.fix}` : head;
  });
  const failed = checks.filter((c) => c.result === 'fail').length;
  lines.push('', failed === 0 ? 'all checks passed' : `${failed} check(s) failed`);
  return `${lines.join('\n')}\n`;
}

export async function doctorCommand(args: string[], configPath: string): Promise<number> {
  const json = takeFlag(args, '--json');
  const user = takeOption(args, '--user');
  const checks = await runDoctor(configPath, user);
  process.stdout.write(json ? `${JSON.stringify(checks, null, 2)}\n` : renderChecks(checks));
  return checks.some((c) => c.result === 'fail') ? 1 : 0;
}
