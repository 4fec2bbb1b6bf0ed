#!/usr/bin/env bash
# Set up GasDesk from a fresh checkout and run it (`run`) or its test suite (`test`).
#
# Needs Python 3.11+. As root on Debian/Ubuntu it also installs the system packages Qt and the
# tests need (missing ones only); without root it says what it could not install and goes on.
# Extra arguments go to the app (`run`) or to pytest (`test`).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
shift || true
python=${PYTHON:-python3}

# Qt's xcb/offscreen plugins and a CJK font (without one, Chinese renders as boxes); the PC/SC
# service with the virtual reader vpcd (training mode's emulated card); what pyscard needs to
# build from source (gcc, swig, libpcsclite-dev).
run_packages=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-render-util0 libxcb-image0
              libxcb-shape0 libxcb-randr0 libxkbcommon-x11-0 libxkbcommon0 libegl1 libgl1 libfontconfig1
              libdbus-1-3 libglib2.0-0 fonts-wqy-zenhei
              pcscd vsmartcard-vpcd libpcsclite-dev swig gcc)
# the tests read PDFs back with pdftotext/pdffonts/pdftoppm
test_packages=("${run_packages[@]}" poppler-utils)

install_debian_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "setup: cannot install ${missing[*]} (needs root and apt-get); continuing without" >&2
    return 0
  fi
  echo "setup: installing ${missing[*]}" >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
           --no-install-recommends "${missing[@]}" >/dev/null; }; then
    echo "setup: apt-get could not install ${missing[*]}; continuing without" >&2
  fi
}

if command -v dpkg-query >/dev/null; then
  if [[ $mode == test ]]; then install_debian_packages "${test_packages[@]}"
  else install_debian_packages "${run_packages[@]}"; fi
fi

# The PostgreSQL half of the suite needs a server on 127.0.0.1:5432; start a local cluster that
# is installed but stopped (the tests skip, or fail under CI, when none answers).
if [[ $mode == test ]] && command -v pg_isready >/dev/null \
   && ! pg_isready -q -h 127.0.0.1 -p 5432 && [[ $(id -u) -eq 0 ]] \
   && command -v pg_ctlcluster >/dev/null; then
  for version in /etc/postgresql/*/; do
    pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
  done
fi

if [[ ! -x .venv/bin/python ]]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

case $mode in
  run)
    exec .venv/bin/gasdesk "$@"
    ;;
  test)
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    exec .venv/bin/python -m pytest "$@"
    ;;
  *)
    echo "usage: installer/setup.sh run|test [args...]" >&2
    exit 2
    ;;
esac
