#!/usr/bin/env bash
# The arm64 package on a Raspberry-Pi-class CPU, emulated: the program tree of kioskd_<v>_arm64.deb
# (its own arm64 Node, koffi, canvas, serialport and usb binaries) runs the simulated kiosk under
# qemu-user (binfmt_misc, arm64 glibc from Debian multiarch, as /work/shared/tools/arm64-node.sh sets
# up), and test/fresh/check-kiosk.ts checks from the host over MQTT: five devices ready, Arabic and
# Chinese receipts print and preview like the golden images. Emulation is ~10x slower: no timing here.
# Usage: .ci/arm64-smoke.sh dist/deb/kioskd_<version>_arm64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
DEB=$(readlink -f "${1:?usage: $0 kioskd_VERSION_arm64.deb}")
t0=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
[ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
if [ ! -e /usr/bin/qemu-aarch64-static ]; then apt-get update -qq; apt-get install -y -qq qemu-user-static >/dev/null; fi
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register
if [ ! -e /lib/ld-linux-aarch64.so.1 ] || [ ! -e /usr/lib/aarch64-linux-gnu/libstdc++.so.6 ]; then
  dpkg --add-architecture arm64; apt-get update -qq; apt-get install -y -qq libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 >/dev/null
fi
t1=$(date +%s)

DIR=$(mktemp -d /tmp/kioskd-arm64.XXXXXX)
KIOSKD=
cleanup() {
  if [ -n "$KIOSKD" ]; then kill -TERM "$KIOSKD" 2>/dev/null || true; wait "$KIOSKD" 2>/dev/null || true; fi
  rm -rf "$DIR"
}
trap cleanup EXIT
dpkg-deb -x "$DEB" "$DIR/root"
LIB=$DIR/root/usr/lib/kioskd
[ "$(od -An -t x1 -j 18 -N 2 "$LIB/node/bin/node" | tr -d ' ')" = b700 ] || { echo "arm64: $LIB/node/bin/node is not an arm64 (EM_AARCH64) binary" >&2; exit 1; }
"$LIB/node/bin/node" -e 'if (process.arch !== "arm64") process.exit(1)'

PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
node --input-type=module -e "
  import { readFileSync, writeFileSync } from 'node:fs';
  import { parse, stringify } from '$PWD/node_modules/yaml/dist/index.js';
  const c = parse(readFileSync('$LIB/config/simulated.yaml', 'utf8'));
  c.stateDir = '$DIR/state';
  c.mqtt = { url: 'embedded', embedded: { port: $PORT, wsPort: 0 } };
  writeFileSync('$DIR/config.yaml', stringify(c));"

"$LIB/node/bin/node" "$LIB/dist/src/cli.js" --config "$DIR/config.yaml" >"$DIR/kioskd.log" 2>&1 &
KIOSKD=$!
status=0
node node_modules/tsx/dist/cli.mjs test/fresh/check-kiosk.ts --url "mqtt://127.0.0.1:$PORT" --base kiosk/sim-kiosk --timeout-s 300 || status=$?
t2=$(date +%s)
kill -TERM "$KIOSKD" 2>/dev/null || true
code=0; wait "$KIOSKD" || code=$?
KIOSKD=
[ "$code" -eq 0 ] || { echo "arm64: kioskd exited $code after SIGTERM" >&2; status=1; }
if [ "$status" -ne 0 ]; then tail -40 "$DIR/kioskd.log"; fi
echo "arm64: setup $((t1 - t0)) s, emulated kiosk to every check done $((t2 - t1)) s"
exit "$status"
