#!/usr/bin/env bash
# The fresh machine: in a private mount namespace where socat, Mosquitto, the libgpiod tools, the
# compilers (gcc, g++, make, python3) and every system font are hidden (bound over with /dev/null,
# tmpfs over the font directories), a clean clone runs `npm ci` (offline, from the npm cache the
# earlier `npm ci` of this run filled) and `npm start`; test/fresh/check-kiosk.ts then checks over
# MQTT that all five simulated devices are ready and that an Arabic and a Chinese receipt print and
# preview exactly like the reviewed golden images, and that the playground answers. Then SIGTERM, and
# nothing of it may be left running.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CLONE=$(mktemp -d /tmp/kioskd-fresh.XXXXXX)
trap 'rm -rf "$CLONE"' EXIT
git clone -q "$ROOT" "$CLONE/kioskd"

unshare --mount --propagation private -- bash -euo pipefail -s "$CLONE/kioskd" <<'EOS'
cd "$1"
t0=$(date +%s)
# Tools vanish (ENOENT, as on a machine without them) through an overlay with whiteouts over each
# directory that has one.
TOOLS="socat mosquitto mosquitto_sub mosquitto_pub mosquitto_rr mosquitto_passwd gpiodetect gpioinfo gpioget gpioset gpiomon gpiofind espeak-ng aplay sox zbarimg gcc g++ cc c++ clang make python3 python"
layers=$(mktemp -d /tmp/kioskd-fresh-layers.XXXXXX)
n=0
for dir in $(for t in $TOOLS; do which -a "$t" 2>/dev/null; ls /usr/sbin/"$t" 2>/dev/null; done | xargs -r -n1 dirname | xargs -r -n1 readlink -f | sort -u); do
  n=$((n + 1)); mkdir -p "$layers/$n/up" "$layers/$n/work"
  for t in $TOOLS; do if [ -e "$dir/$t" ] || [ -L "$dir/$t" ]; then mknod "$layers/$n/up/$t" c 0 0; fi; done
  mount -t overlay overlay -o "lowerdir=$dir,upperdir=$layers/$n/up,workdir=$layers/$n/work" "$dir"
done
hash -r
for d in /usr/share/fonts /usr/local/share/fonts /var/cache/fontconfig "$HOME/.fonts" "$HOME/.local/share/fonts"; do
  if [ -d "$d" ]; then mount -t tmpfs tmpfs "$d"; fi
done
for t in socat mosquitto gpioget gcc make python3; do
  if command -v "$t" >/dev/null; then echo "fresh: $t is still usable" >&2; exit 1; fi
done
[ -z "$(ls -A /usr/share/fonts)" ] || { echo "fresh: system fonts still visible" >&2; exit 1; }
echo "fresh: hidden: socat, mosquitto, gpiod tools, espeak-ng/aplay/sox, gcc/g++/make/python3, every system font"

npm ci --offline --no-audit --no-fund --loglevel=error >npm-ci.log 2>&1 || { cat npm-ci.log; exit 1; }
t1=$(date +%s)
setsid npm start >start.log 2>&1 &
START=$!
status=0
node node_modules/tsx/dist/cli.mjs test/fresh/check-kiosk.ts --url mqtt://127.0.0.1:1883 --base kiosk/sim-kiosk \
  --playground http://127.0.0.1:8080/ --timeout-s 90 || status=$?
t2=$(date +%s)
kill -TERM -- -"$START" 2>/dev/null || true
for _ in $(seq 1 50); do kill -0 -- -"$START" 2>/dev/null || break; sleep 0.1; done
if kill -0 -- -"$START" 2>/dev/null; then echo "fresh: npm start left processes running" >&2; ps -g "$START" -o pid,cmd >&2 || true; status=1; fi
if [ "$status" -ne 0 ]; then echo "--- npm start output"; tail -40 start.log; fi
grep -E '"level":"(warn|error|fatal)"' start.log | head -5 || true
echo "fresh: npm ci $((t1 - t0)) s, npm start to every check done $((t2 - t1)) s"
exit "$status"
EOS
