#!/usr/bin/env bash
# Install headless Chromium (Debian's package) for the report and dashboard tests, if missing.
# Prints `export SURPLUS_CHROMIUM=…` for eval.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >&2
  else
    echo "chromium is missing and this user cannot apt-get install it" >&2
    exit 1
  fi
fi
echo "export SURPLUS_CHROMIUM=$(command -v chromium)"
