#!/usr/bin/env bash
# Installs the Debian packages the test suite uses: Chromium for the dashboard's end-to-end
# tests (driven by playwright-core, which never downloads a browser of its own) and the real
# Fashion-MNIST for the data set tests. Idempotent; needs root or sudo.
set -euo pipefail

packages=(chromium dataset-fashion-mnist)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages already installed: ${packages[*]}"
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "installing: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
