#!/usr/bin/env bash
# Installs everything RunLens needs to build, test and run, from Debian 12's packages only.
# Idempotent: packages already present are left alone. Runs as root or through sudo.
# `--fuzz` adds clang and libFuzzer for scripts/fuzz.sh.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools libgl1-mesa-dev qt6-svg-dev
  libyaml-cpp-dev rapidjson-dev
  # MLflow's mlflow.db and Optuna's SQLite studies are read through Qt SQL's SQLite driver.
  libqt6sql6-sqlite
  python3 python3-yaml python3-pandas
  xvfb xauth time
  # tst_export compiles the LaTeX exports (pdflatex + booktabs; lualatex for CJK): about
  # 48 MB to download and 35 s to install on CI's machine, measured with --no-install-recommends.
  texlive-latex-base texlive-latex-recommended
)
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi

echo "setup: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
