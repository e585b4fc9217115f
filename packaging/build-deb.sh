#!/usr/bin/env bash
# `npm run package`: kioskd_<version>_<arch>.deb for amd64 and arm64 (ARCHES="amd64" for one), built
# with dpkg-deb on any Linux x86-64 or arm64 machine: no compiler, no cross toolchain, no emulation.
# Each package carries the program in /usr/lib/kioskd with its production node_modules for the target
# (npm's --cpu/--os/--libc pick the prebuilt koffi, canvas, serialport and usb binaries), the Node 20
# runtime for the target from the npm registry's node-linux-<arch> package (Debian 12 ships Node 18),
# /usr/bin/kioskd, the units (kioskd, kioskd-ui-credential), /etc/kioskd/config.yaml as a conffile and
# the Mosquitto files as a suggestion under /usr/share/kioskd/mosquitto. Output: dist/deb/. See packaging/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VERSION=$(node -p 'require("./package.json").version')
NODE_VERSION=${NODE_RUNTIME_VERSION:-20.20.2}
ARCHES=${ARCHES:-amd64 arm64}
OUT=${OUT:-$ROOT/dist/deb}
CACHE=${KIOSKD_PACKAGE_CACHE:-/var/tmp/kioskd-package-cache}
COMPRESS=${DEB_COMPRESS:-zstd}
LEVEL=${DEB_LEVEL:-6}
mkdir -p "$OUT" "$CACHE"

echo "package: building dist/ (tsc)"
node node_modules/typescript/bin/tsc -p tsconfig.build.json

node_runtime() { # $1 = x64|arm64: a directory holding bin/node for that architecture
  local dir="$CACHE/node-$NODE_VERSION-linux-$1"
  if [ ! -x "$dir/bin/node" ]; then
    local t; t=$(mktemp -d)
    (cd "$t" && npm pack --silent "node-linux-$1@$NODE_VERSION" >/dev/null && tar xzf node-linux-"$1"-*.tgz)
    rm -rf "$dir"; mkdir -p "$dir"; cp -r "$t/package/." "$dir/"; rm -rf "$t"
  fi
  echo "$dir"
}

build() { # $1 = amd64|arm64
  local arch=$1 cpu
  case $arch in amd64) cpu=x64 ;; arm64) cpu=arm64 ;; *) echo "unknown arch $arch" >&2; exit 64 ;; esac
  local stage; stage=$(mktemp -d "${TMPDIR:-/tmp}/kioskd-deb-$arch.XXXXXX")
  local lib=$stage/usr/lib/kioskd
  mkdir -p "$lib" "$stage/DEBIAN" "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/etc/kioskd" \
    "$stage/usr/share/kioskd/mosquitto" "$stage/usr/share/doc/kioskd"

  # The program: what `npm pack` would ship, then production dependencies for the target.
  cp package.json package-lock.json README.md "$lib/"
  mkdir -p "$lib/dist" "$lib/src/playground"
  cp -r dist/src "$lib/dist/src"
  cp -r src/playground/static "$lib/src/playground/static"
  cp -r config "$lib/config"
  (cd "$lib" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
      --os=linux --cpu="$cpu" --libc=glibc >/dev/null)
  # Natively compiled optional modules are not shipped: onoff/epoll would need a compiler on the
  # kiosk (the sysfs GPIO backend then says so; libgpiod, the default, needs none).
  rm -rf "$lib/node_modules/onoff" "$lib/node_modules/epoll"
  # Only the font files the printer uses (Regular and Bold of each family; DejaVu Sans Mono).
  for d in "$lib"/node_modules/@expo-google-fonts/*/; do
    find "$d" -mindepth 1 -maxdepth 1 -type d ! -name 400Regular ! -name 700Bold -exec rm -rf {} +
    find "$d" -name '*.png' -delete
  done
  find "$lib/node_modules/dejavu-fonts-ttf/ttf" -type f ! -name 'DejaVuSansMono.ttf' ! -name 'DejaVuSansMono-Bold.ttf' -delete
  rm -rf "$lib/node_modules/koffi/vendor" "$lib/node_modules/koffi/doc" "$lib/node_modules/koffi/lib"
  find "$lib/node_modules/koffi" \( -name '*.cc' -o -name '*.hh' -o -name '*.inc' -o -name '*.S' -o -name '*.asm' -o -name '*.def' -o -name CMakeLists.txt \) -delete
  find "$lib/node_modules/@serialport/bindings-cpp/prebuilds" -mindepth 1 -maxdepth 1 ! -name "linux-$cpu" -exec rm -rf {} +
  find "$lib/node_modules" -name '*.md' ! -iname 'license*' -delete
  find "$lib/node_modules" -type d -name test -prune -exec rm -rf {} +

  # The runtime.
  local node; node=$(node_runtime "$cpu")
  mkdir -p "$lib/node/bin"
  cp "$node/bin/node" "$lib/node/bin/node"
  cp "$node/LICENSE" "$lib/node/LICENSE" 2>/dev/null || true

  install -m 0755 packaging/debian/kioskd.sh "$stage/usr/bin/kioskd"
  cp systemd/kioskd.service "$stage/lib/systemd/system/kioskd.service"
  cp systemd/kioskd-ui-credential.service "$stage/lib/systemd/system/kioskd-ui-credential.service"
  install -m 0640 config/raspberry-pi.yaml "$stage/etc/kioskd/config.yaml"
  cp config/mosquitto/* "$stage/usr/share/kioskd/mosquitto/"
  cp README.md "$stage/usr/share/doc/kioskd/README.md"
  cp packaging/debian/copyright "$stage/usr/share/doc/kioskd/copyright"

  # The pruned tree still works (on this machine's architecture; arm64 is run under emulation in CI).
  if [ "$cpu" = "$(node -p process.arch)" ]; then
    (cd "$lib" && "$lib/node/bin/node" --input-type=module -e "
      const { libcAvailable } = await import('$lib/dist/src/transports/libc.js');
      const { loadFonts } = await import('$lib/dist/src/drivers/printer/fonts.js');
      const { BUNDLED_FONTS } = await import('$lib/dist/src/drivers/printer/font-files.js');
      if (!libcAvailable()) throw new Error('koffi does not load from the package tree');
      await loadFonts(BUNDLED_FONTS);
      await import('serialport'); await import('@napi-rs/canvas');") 2>&1 ||
      { echo "package: the $arch tree does not load its native modules or fonts" >&2; exit 1; }
  fi

  local size; size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
  sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" packaging/debian/control > "$stage/DEBIAN/control"
  cp packaging/debian/conffiles "$stage/DEBIAN/conffiles"
  install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
  local deb="$OUT/kioskd_${VERSION}_${arch}.deb"
  dpkg-deb --root-owner-group -Z"$COMPRESS" -z"$LEVEL" --build "$stage" "$deb" >/dev/null
  rm -rf "$stage"
  echo "package: $deb ($(du -h "$deb" | cut -f1), installed ${size} KiB)"
}

for a in $ARCHES; do build "$a"; done
