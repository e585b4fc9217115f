#!/usr/bin/env bash
# The Debian package under a real systemd (252, Debian 12) as PID 1 in systemd-nspawn, after
# /work/shared/tools/systemd-container.sh: a clean bookworm rootfs (built once, cached by its package
# list), booted on an overlay so every run starts clean, with a private network namespace (the test's
# LAN card terminal lives on a dummy interface in it, reaching nothing outside). The package is
# installed with apt-get, then test/systemd/checks.sh runs inside: see there for what is checked.
# Usage: .ci/systemd-unit.sh dist/deb/kioskd_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
DEB=$(readlink -f "${1:?usage: $0 kioskd_VERSION_amd64.deb}")
WORK=${KIOSKD_CONTAINER_WORK:-/var/tmp/kioskd-systemd}
PACKAGES=systemd,systemd-sysv,libnss-systemd,dbus,adduser,init-system-helpers,mosquitto,mosquitto-clients,iproute2,procps,ca-certificates
KEY=$(echo "$PACKAGES" | sha256sum | cut -c1-12)
BASE=$WORK/rootfs-$KEY
RUN=$WORK/run-$$
CG=kioskd-ci-$$
mkdir -p "$WORK"
t0=$(date +%s)

MIRROR=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -1)
[ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
SECURITY=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -m1 security || echo "${MIRROR%/debian}/debian-security")

have() { command -v "$1" >/dev/null 2>&1; }
if ! have systemd-nspawn || ! have mmdebstrap; then
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq systemd-container mmdebstrap >/dev/null
fi
if [ ! -x "$BASE/lib/systemd/systemd" ]; then
  echo "systemd: building the bookworm rootfs (once per machine)"
  rm -rf "$BASE.tmp"
  mmdebstrap --quiet --variant=minbase --include="$PACKAGES" bookworm "$BASE.tmp" \
    "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" "deb $SECURITY bookworm-security main"
  # Mosquitto and kioskd are started by the checks, not at boot.
  rm -f "$BASE.tmp/etc/systemd/system/multi-user.target.wants/mosquitto.service"
  mv "$BASE.tmp" "$BASE"
fi
t1=$(date +%s)

# A throwaway upper layer over the cached rootfs.
mkdir -p "$RUN/upper" "$RUN/work" "$RUN/root"
mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$RUN/upper,workdir=$RUN/work" "$RUN/root"
cleanup() {
  set +e
  [ -n "${PID:-}" ] && nsenter -t "$PID" -a systemctl poweroff >/dev/null 2>&1
  for _ in $(seq 1 100); do kill -0 "${NSPAWN:-0}" 2>/dev/null || break; sleep 0.1; done
  kill "${NSPAWN:-0}" 2>/dev/null
  for h in unified systemd; do find /sys/fs/cgroup/$h/$CG -depth -type d -exec rmdir {} \; 2>/dev/null; done
  umount "$RUN/root" 2>/dev/null
  rm -rf "$RUN"
}
trap cleanup EXIT

mkdir -p "$RUN/root/ci"
cp "$DEB" test/systemd/* "$RUN/root/ci/"

# Boot: pure cgroup2 inside with bpf() allowed, so IPAddressDeny and DevicePolicy are enforced.
for h in unified systemd; do mkdir -p /sys/fs/cgroup/$h/$CG; done
( echo $BASHPID > /sys/fs/cgroup/unified/$CG/cgroup.procs
  echo $BASHPID > /sys/fs/cgroup/systemd/$CG/cgroup.procs
  SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 exec timeout 900 systemd-nspawn -D "$RUN/root" --keep-unit --register=no \
    --private-network --system-call-filter=bpf --console=pipe -b >"$RUN/nspawn.log" 2>&1 ) &
NSPAWN=$!
PID=
for _ in $(seq 1 300); do
  for p in $(cat /sys/fs/cgroup/unified/$CG/payload/init.scope/cgroup.procs 2>/dev/null); do
    [ "$(cat /proc/$p/comm 2>/dev/null)" = systemd ] && nsenter -t "$p" -a test -S /run/dbus/system_bus_socket 2>/dev/null && PID=$p
  done
  [ -n "$PID" ] && break
  sleep 0.1
done
[ -n "$PID" ] || { echo "systemd: the container did not boot"; cat "$RUN/nspawn.log"; exit 1; }
nsenter -t "$PID" -a systemctl is-system-running --wait >/dev/null 2>&1 || true
t2=$(date +%s)

if [ -n "${KEEP:-}" ]; then # debugging: leave the container running
  trap - EXIT
  echo "systemd: container PID $PID (nsenter -t $PID -a bash); stop: nsenter -t $PID -a systemctl poweroff; umount $RUN/root"
  exit 0
fi
status=0
nsenter -t "$PID" -a /bin/bash /ci/checks.sh "/ci/$(basename "$DEB")" || status=$?
t3=$(date +%s)
echo "systemd: rootfs $((t1 - t0)) s, boot $((t2 - t1)) s, checks $((t3 - t2)) s"
exit $status
