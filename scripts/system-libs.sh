#!/usr/bin/env bash
# The shared libraries WeasyPrint renders PDFs with (Pango, and HarfBuzz's subsetter, which makes
# the embedded fonts small and the rendering fast); installed from Debian's packages when missing.
set -euo pipefail
missing=()
have() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have "libpango-1.0.so.0" || missing+=(libpango-1.0-0)
have "libpangoft2-1.0.so.0" || missing+=(libpangoft2-1.0-0)
have "libharfbuzz-subset.so.0" || missing+=(libharfbuzz-subset0)
if [ ${#missing[@]} -gt 0 ]; then
  bash "$(dirname "$0")/apt-install.sh" "${missing[@]}"
fi
