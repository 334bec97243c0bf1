#!/usr/bin/env bash
# Install Debian packages the build needs (chromium for browser tests, gettext for translations).
set -euo pipefail
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: $*. This is not a Debian-based system; install them with your package manager." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
  echo "Missing: $*. Run 'apt-get install $*' as root, then try again." >&2
  exit 1
fi
echo "Installing Debian packages: $*"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
