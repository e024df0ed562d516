#!/usr/bin/env bash
# Vendor htmx into the Python package: install exactly what package-lock.json pins, then copy
# the minified build into src/pact24/service/static/ with a header naming its version and
# licence. Run it by hand when the pin changes (`bash web/build.sh`) and commit the result;
# nothing at build, install or run time of pact24 ever touches npm or the network.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
static="$here/../src/pact24/service/static"
cd "$here"
npm ci --no-audit --no-fund --ignore-scripts
pkg="node_modules/htmx.org"
version="$(node -p "require('./$pkg/package.json').version")"
pinned="$(node -p "require('./package.json').dependencies['htmx.org']")"
if [ "$version" != "$pinned" ]; then
  echo "build.sh: installed htmx.org $version, but package.json pins $pinned" >&2
  exit 1
fi
license="$(node -p "require('./$pkg/package.json').license")"
{
  printf '/* htmx.org %s (%s, see htmx.LICENSE.txt), from npm; vendored by web/build.sh. Do not edit. */\n' \
    "$version" "$license"
  cat "$pkg/dist/htmx.min.js"
  printf '\n'
} > "$static/htmx.min.js"
cp "$pkg/LICENSE" "$static/htmx.LICENSE.txt"
echo "vendored htmx.org $version into $static/htmx.min.js"
