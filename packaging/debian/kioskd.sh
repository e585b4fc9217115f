#!/bin/sh
# kioskd, with the Node 20 runtime it was tested with (Debian 12 ships Node 18).
# --max-semi-space-size=1 --v8-pool-size=1: a small young generation and one V8 helper thread; with the
# five real drivers idle RSS goes from ~90 MB to ~77-80 MB (docs/performance.md, issue 18).
exec /usr/lib/kioskd/node/bin/node --max-semi-space-size=1 --v8-pool-size=1 /usr/lib/kioskd/dist/src/cli.js "$@"
