#!/usr/bin/env bash
# Installs curvecast's build dependencies from Debian's packages when they are
# missing (needs root for apt-get; otherwise it only reports what is missing).
# Usage: scripts/deps.sh [extra debian packages...]
set -euo pipefail
pkgs=(cmake g++ make libceres-dev libeigen3-dev catch2 nlohmann-json3-dev
      python3-dev pybind11-dev python3-pybind11 python3-numpy python3-pytest python3-setuptools
      python3-pip python3-venv python3-matplotlib python3-optuna python3-distributed "$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "curvecast: installing missing packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "curvecast: please install: ${missing[*]}" >&2
  exit 1
fi
