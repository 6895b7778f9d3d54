#!/usr/bin/env bash
# ./testbed test: installs what the tests need when missing, then runs every test (unit + integration) with Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
[ -x /usr/bin/influxd ] || missing+=(influxdb)
command -v stress-ng >/dev/null || missing+=(stress-ng)
command -v openssl >/dev/null || missing+=(openssl)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  echo "testbed test: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  # Debian may start the packaged services; the tests start their own on free ports, so stop them to free default ports.
  for s in mosquitto influxdb; do $SUDO service "$s" stop >/dev/null 2>&1 || true; done
fi
exec mvn -B verify "$@"
