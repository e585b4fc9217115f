#!/bin/sh
# kioskd, with the Node 20 runtime it was tested with (Debian 12 ships Node 18).
exec /usr/lib/kioskd/node/bin/node /usr/lib/kioskd/dist/src/cli.js "$@"
