#!/usr/bin/env bash
# Installs rtml's build and test dependencies from Debian packages and builds rtml
# into build/. Idempotent: installs only what is missing, rebuilds only what changed.
# Works as root on a fresh Debian 12, or as a user with sudo.
#   scripts/setup.sh           install + build
#   RTML_WERROR=ON scripts/setup.sh   warnings are errors (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  librdkafka-dev libsimdjson-dev            # Kafka client, JSON parser
  libyaml-cpp-dev                           # pipeline configs
  libboost1.81-dev libssl-dev zlib1g-dev    # websockets/HTTP (Beast), TLS, gzip captures
  libgtest-dev libgmock-dev libbenchmark-dev  # tests and benchmarks
  kcat                                       # interop tests against an independent Kafka client
  libsqlite3-dev                             # embedded feature store (offline and online)
  postgresql libpq-dev                       # offline feature store at scale; tests start a server
  redis-server libhiredis-dev                # online feature store at scale; tests start a server
  libeigen3-dev libxgboost-dev xgboost       # linear models, gradient-boosted trees (+ CLI)
  libtorch-dev                               # TorchScript networks (RTML_WITH_TORCH, on by default)
  ca-certificates                            # TLS; fetching TA-Lib, the indicator tests' oracle
  clang-format
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRTML_WERROR="${RTML_WERROR:-OFF}" >/dev/null
ninja -C build -j"$(nproc)"
echo "setup: built build/rtml"
