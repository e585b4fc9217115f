#!/bin/bash
# Runs inside a clean Debian 12 container booted by systemd (see .ci/systemd-unit.sh), as root:
# apt-get install ./kioskd.deb, then the unit under the real systemd: READY only after MQTT and the
# drivers, journald fields, exit 78 not restarted, a hung event loop restarted by the watchdog,
# ExecStopPost setting GPIO outputs safe after kill -9, the sandbox allowing exactly what the config
# needs (a LAN card terminal), systemd-analyze security, doctor, idempotent maintainer scripts, and the
# UI's per-boot broker password (kioskd-ui-credential.service).
set -uo pipefail
DEB=$1
OK=0
FAILED=0
T0=$SECONDS
ok() { OK=$((OK + 1)); echo "ok   - $1 [$((SECONDS - T0)) s]"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1 [$((SECONDS - T0)) s]"; shift; [ $# -gt 0 ] && printf '       %s\n' "$@"; }
check() { local name=$1; shift; if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "$(echo "$out" | tail -15)"; fi; }
wait_for() { # seconds, command...: until the command succeeds or the time is up
  local end=$(( $(date +%s) + $1 )); shift
  while [ "$(date +%s)" -lt "$end" ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  "$@"
}
show() { systemctl show kioskd -p "$1" --value; }
PASS=ci-$RANDOM-$RANDOM
mqtt() { echo "-h 127.0.0.1 -p 1883 -u kioskd -P $PASS -V mqttv5"; }
BASE=kiosk/ci-kiosk

# 1. A clean Debian 12 takes the package (its dependencies are in the base system).
check "apt-get install ./$(basename "$DEB") on a clean Debian 12" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$DEB"
check "/usr/bin/kioskd runs the bundled Node 20" bash -c 'kioskd --version && /usr/lib/kioskd/node/bin/node --version | grep -q "^v20\."'
check "system user kioskd, in the device groups this system has" bash -c 'id kioskd && for g in dialout gpio lp input audio; do ! getent group $g >/dev/null || id -nG kioskd | tr " " "\n" | grep -qx $g || exit 1; done'
check "/etc/kioskd/config.yaml is a conffile, root:kioskd 0640" bash -c 'dpkg-query -W -f="\${Conffiles}" kioskd | grep -q /etc/kioskd/config.yaml && [ "$(stat -c %U:%G:%a /etc/kioskd/config.yaml)" = root:kioskd:640 ]'
check "the unit is enabled, not started before the config is edited" bash -c '[ "$(systemctl is-enabled kioskd)" = enabled ] && ! systemctl is-active -q kioskd'
passes() { grep -A1 -F "\"name\": \"$2\"" "$1" | grep -q '"result": "pass"'; }
kioskd doctor --json > /tmp/doctor-shipped.json
check "kioskd doctor on the shipped config passes what it can: config valid" passes /tmp/doctor-shipped.json 'config valid'
check "... receipt fonts" passes /tmp/doctor-shipped.json 'receipt fonts'
check "... native FFI (koffi)" passes /tmp/doctor-shipped.json 'native FFI (koffi)'
check "... and names the missing mqtt.passwordFile with its fix" bash -c "grep -A3 '\"mqtt.passwordFile\"' /tmp/doctor-shipped.json | grep -q 'does not exist'"
check "maintainer scripts are idempotent (postinst configure, as on an upgrade, twice more)" bash -c '
  /var/lib/dpkg/info/kioskd.postinst configure 0.1.0 >/dev/null && /var/lib/dpkg/info/kioskd.postinst configure 0.1.0 >/dev/null &&
  [ "$(id -nG kioskd | tr " " "\n" | sort | uniq -d)" = "" ] && [ "$(grep -c "^kioskd:" /etc/passwd)" = 1 ]'

# 2. The kiosk: Mosquitto as /usr/share/kioskd/mosquitto/README.md says, a LAN card terminal on a
#    dummy interface (192.0.2.30, this container's own network), libgpiod stand-ins that record argv.
install -d -o root -g mosquitto -m 0750 /etc/mosquitto/kioskd
install -o root -g mosquitto -m 0640 /usr/share/kioskd/mosquitto/mosquitto.conf /usr/share/kioskd/mosquitto/acl /etc/mosquitto/kioskd/
mosquitto_passwd -c -b /etc/mosquitto/kioskd/passwd kioskd "$PASS" && mosquitto_passwd -b /etc/mosquitto/kioskd/passwd kiosk-ui "ui-$PASS"
chown root:mosquitto /etc/mosquitto/kioskd/passwd && chmod 0640 /etc/mosquitto/kioskd/passwd
mkdir -p /etc/systemd/system/mosquitto.service.d
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/mosquitto -c /etc/mosquitto/kioskd/mosquitto.conf\n' > /etc/systemd/system/mosquitto.service.d/kioskd.conf
install -o root -g kioskd -m 0640 /dev/null /etc/kioskd/mqtt.secret && echo "$PASS" > /etc/kioskd/mqtt.secret
systemctl daemon-reload
check "Mosquitto runs with the packaged configuration" systemctl restart mosquitto
# The UI's broker password, new at every boot (kioskd-ui-credential.service, enabled by the package).
check "kioskd-ui-credential.service is enabled and makes a UI password (root:kioskd 0640 in /run)" bash -c '
  [ "$(systemctl is-enabled kioskd-ui-credential)" = enabled ] && systemctl start kioskd-ui-credential &&
  [ "$(stat -c %U:%G:%a /run/kioskd-ui/credential.json)" = root:kioskd:640 ] &&
  [ "$(stat -c %U:%G:%a /etc/mosquitto/kioskd/passwd)" = root:mosquitto:640 ] && grep -q "^kioskd:" /etc/mosquitto/kioskd/passwd'
systemctl reload mosquitto && sleep 0.5
UI_PASS=$(/usr/lib/kioskd/node/bin/node -p 'JSON.parse(require("fs").readFileSync("/run/kioskd-ui/credential.json", "utf8")).password')
check "... Mosquitto takes the new UI password and refuses the old one" bash -c "
  mosquitto_pub -h 127.0.0.1 -p 1883 -u kiosk-ui -P '$UI_PASS' -V mqttv5 -t $BASE/bridge/request/info -m '{}' &&
  ! mosquitto_pub -h 127.0.0.1 -p 1883 -u kiosk-ui -P 'ui-$PASS' -V mqttv5 -t $BASE/bridge/request/info -m '{}' 2>/dev/null"

# The terminal's address, on this container's own network namespace (no dummy driver in here).
ip addr add 192.0.2.30/32 dev lo
systemd-run --quiet --unit=zvt-terminal /usr/lib/kioskd/node/bin/node /ci/zvt-terminal.mjs 192.0.2.30 20007 /var/lib/zvt-terminal
for t in gpiofind gpioget gpiomon gpioset; do
  cat > /usr/local/bin/$t <<EOF
#!/bin/sh
echo "\$(date +%s.%N) $t \$* | \$(tr '\0' ' ' < /proc/\$PPID/cmdline)" >> /var/lib/kioskd/gpio-calls.log
case $t in gpiofind) echo "gpiochip0 \${1#GPIO}" ;; gpioget) shift \$((\$# - 1)); for _ in "\$@"; do printf '0 '; done; echo ;; *) exec sleep 600 ;; esac
EOF
  chmod 755 /usr/local/bin/$t
done
cat > /etc/kioskd/config.yaml <<'EOF'
kioskId: ci-kiosk
mqtt: { url: mqtt://127.0.0.1:1883, username: kioskd, passwordFile: /etc/kioskd/mqtt.secret }
health: { intervalSec: 30 }
devices:
  gpio:
    backend: gpiod
    inputs: { presence: { line: GPIO17 } }
    outputs: { light_printer: { line: GPIO5, safe: false }, relay: { line: GPIO26, safe: true } }
  printer: { simulate: true }
  scanner:
    simulate: true
    inputs: { reader: { type: serial, path: /dev/serial/by-id/usb-simulated-reader, baudRate: 115200, model: generic } }
  card: { protocol: zvt, currency: AED, transport: { type: tcp, host: 192.0.2.30, port: 20007, connectTimeoutMs: 2000 } }
  cash:
    simulate: true
    validator: { port: { path: /dev/serial/by-id/usb-simulated-nv200 } }
    coinAcceptor: { port: { path: /dev/serial/by-id/usb-simulated-coin } }
    currency: AED
    maxOverpay: 0
    simulator: { currency: AED, notes: [5, 10, 20, 50, 100, 200, 500, 1000], multiplier: 100, coins: [AE025A, AE050A, AE100A] }
EOF
DROPIN=/etc/systemd/system/kioskd.service.d/50-kioskd-sandbox.conf
check "kioskd sandbox --write allows the LAN terminal, and nothing else" bash -c "kioskd sandbox --write && [ \"\$(grep -v '^#' $DROPIN)\" = \"\$(printf '[Service]\\nIPAddressAllow=192.0.2.30')\" ] && ! grep -q 192.0.2.30 /lib/systemd/system/kioskd.service"
systemctl daemon-reload
[ -n "${SETUP_ONLY:-}" ] && exit 0 # debugging: the kiosk set up, nothing started

status_is() { # a JavaScript condition on `s`, the output of kioskd status --json
  kioskd status --json 2>/dev/null | /usr/lib/kioskd/node/bin/node -e "const s = JSON.parse(require('fs').readFileSync(0, 'utf8')); process.exit(($1) ? 0 : 1)"
}
ready_all() { status_is 's.bridge.state === "online" && Object.keys(s.devices).length === 5 && Object.values(s.devices).every((d) => d.status === "ready")'; }

# 3. Type=notify: `systemctl start` returns at READY=1, which comes after MQTT and every driver.
start=$(date +%s%N)
check "systemctl start kioskd (Type=notify) succeeds" systemctl start kioskd
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "at READY the bridge is online and all five devices are ready (start took ${ms} ms)" ready_all
check "the LAN card terminal at 192.0.2.30:20007 is reached through the sandbox" status_is 's.devices.card.status === "ready"'

# 4. journald fields: a print refused for paper out is found by DEVICE= and CODE=.
mosquitto_pub $(mqtt) -t "$BASE/sim/printer/request/paper" -m '{"state":"out"}'
sleep 0.5
reply=$(timeout 10 mosquitto_sub $(mqtt) -C 1 -t "$BASE/device/printer/response/print" & sleep 0.5
        mosquitto_pub $(mqtt) -q 1 -t "$BASE/device/printer/request/print" -m '{"idempotencyKey":"ci-paper-out","document":{"blocks":[{"type":"text","text":"إيصال"}]}}'; wait)
check "a print with the paper out answers PAPER_OUT" bash -c "echo '$reply' | grep -q PAPER_OUT"
check "journalctl -u kioskd DEVICE=printer" bash -c 'for _ in $(seq 50); do journalctl -u kioskd DEVICE=printer -o cat --no-pager | grep -q . && exit 0; sleep 0.1; done; exit 1'
check "journalctl -u kioskd CODE=PAPER_OUT" bash -c 'for _ in $(seq 50); do journalctl -u kioskd CODE=PAPER_OUT -o cat --no-pager | grep -q "paper out" && exit 0; sleep 0.1; done; exit 1'
mosquitto_pub $(mqtt) -t "$BASE/sim/printer/request/paper" -m '{"state":"ok"}'

# 5. ExecStopPost: after kill -9, `kioskd gpio-safe` sets every output to its safe level.
mark=$(date +%s.%N)
systemctl kill -s SIGKILL --kill-who=main kioskd
safe_after_kill() { awk -v m="$mark" '$1 > m' /var/lib/kioskd/gpio-calls.log | grep 'gpio-safe' | grep -q 'gpioset --mode=signal gpiochip0 5=0' &&
                    awk -v m="$mark" '$1 > m' /var/lib/kioskd/gpio-calls.log | grep 'gpio-safe' | grep -q 'gpioset --mode=signal gpiochip0 26=1'; }
check "ExecStopPost (kioskd gpio-safe) set light_printer=0 and relay=1 after kill -9" wait_for 10 safe_after_kill
check "... and systemd restarted kioskd (Restart=always)" wait_for 15 ready_all

# 6. The watchdog: a hung event loop (an endless loop run in the daemon through its inspector).
mkdir -p /etc/systemd/system/kioskd.service.d
printf '[Service]\nWatchdogSec=3s\n' > /etc/systemd/system/kioskd.service.d/90-ci-watchdog.conf
systemctl daemon-reload && systemctl restart kioskd
before=$(show NRestarts); pid=$(show MainPID)
check "the daemon's event loop is made to hang (pid $pid)" /usr/lib/kioskd/node/bin/node /ci/hang.mjs "$pid"
restarted() { [ "$(show NRestarts)" -gt "$before" ] && [ "$(show MainPID)" != "$pid" ] && [ "$(show MainPID)" != 0 ]; }
check "WatchdogSec: systemd killed the hung daemon and restarted it" wait_for 30 restarted
check "... the journal says why (watchdog timeout)" bash -c "journalctl -u kioskd --no-pager | grep -qi 'watchdog timeout'"
check "... and it is ready again" wait_for 20 ready_all
rm /etc/systemd/system/kioskd.service.d/90-ci-watchdog.conf && systemctl daemon-reload

# 7. Exit 78 (a bad configuration) is not restarted.
mv /etc/kioskd/mqtt.secret /etc/kioskd/mqtt.secret.away
systemctl restart kioskd 2>/dev/null
sleep 4   # two RestartSec
check "a missing mqtt.passwordFile: exit 78, failed, not restarted" bash -c '[ "$(systemctl show kioskd -p ExecMainStatus --value)" = 78 ] && [ "$(systemctl is-active kioskd)" = failed ] && [ "$(systemctl show kioskd -p NRestarts --value)" = 0 ]'
check "... the journal names the key" bash -c "journalctl -u kioskd --no-pager -n 20 | grep -q 'mqtt.passwordFile: cannot read /etc/kioskd/mqtt.secret (ENOENT)'"
mv /etc/kioskd/mqtt.secret.away /etc/kioskd/mqtt.secret
systemctl reset-failed kioskd

# 8. The sandbox allows exactly what the config needs: without the drop-in the LAN terminal is blocked.
mv $DROPIN /root/sandbox.conf && systemctl daemon-reload && systemctl restart kioskd
card_blocked() { status_is 's.devices.card.status === "offline" && s.devices.card.error === "TIMEOUT"'; }
check "without the drop-in, IPAddressDeny blocks the card terminal (offline, TIMEOUT), the others run" wait_for 20 card_blocked
check "... the daemon says at start which address the sandbox blocks and the fix" bash -c "journalctl -u kioskd --no-pager -o cat -n 30 | grep -q \"IP sandbox blocks 192.0.2.30: sudo kioskd sandbox --write\""
check "... doctor says the drop-in is missing and how to fix it" bash -c "kioskd doctor --json | grep -A4 '\"systemd sandbox drop-in\"' | grep -q 'kioskd sandbox --write'"
kioskd sandbox --write >/dev/null && systemctl daemon-reload && systemctl restart kioskd
check "with it written again, every device is ready" wait_for 20 ready_all

# 9. Exposure and doctor on the running kiosk.
score=$(systemd-analyze security kioskd.service --no-pager 2>&1 | grep 'Overall exposure level')
check "systemd-analyze security: ${score#*: }" bash -c "echo '$score' | grep -qE ' (SAFE|OK)'"
kioskd doctor --json > /tmp/doctor-running.json
for c in 'config valid' 'mqtt.passwordFile' 'broker reachable' 'daemon online' 'printer answers' 'receipt fonts' 'native FFI (koffi)' 'gpiod tools' 'systemd sandbox drop-in'; do
  check "doctor on the running kiosk: $c passes" passes /tmp/doctor-running.json "$c"
done

# 10. Natively compiled optional modules are not shipped (no compiler on a kiosk): the sysfs GPIO
#     backend, which needs onoff, says so and what to use instead.
printf 'kioskId: ci-sysfs\ndevices:\n  gpio: { backend: sysfs, chip: gpiochip0, outputs: { light: { line: 5 } } }\n' > /root/sysfs.yaml
kioskd doctor --json --config /root/sysfs.yaml > /tmp/doctor-sysfs.json
check "doctor: the sysfs backend without onoff fails with the fix (use gpiod)" bash -c "grep -A3 '\"onoff (sysfs GPIO)\"' /tmp/doctor-sysfs.json | grep -q 'backend: gpiod'"

# 11. Remove and purge: the service stops, the conffile and drop-in go with purge, reinstall works.
check "apt-get remove stops kioskd and keeps the config" bash -c 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q kioskd >/dev/null && ! systemctl is-active -q kioskd && [ -f /etc/kioskd/config.yaml ] && [ ! -e /usr/lib/kioskd ]'
check "apt-get purge removes the config and the generated drop-in" bash -c "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q kioskd >/dev/null && [ ! -e /etc/kioskd/config.yaml ] && [ ! -e $DROPIN ]"
check "installing again over the existing kioskd user works" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$DEB"

echo "systemd unit: $OK checks ok, $FAILED failing"
if [ "$FAILED" -gt 0 ]; then
  journalctl -u kioskd --no-pager -n 60 -o cat
  exit 1
fi
