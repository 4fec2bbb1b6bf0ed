#!/usr/bin/env bash
# Set up GasDesk from a fresh checkout and run it (`run`) or its test suite (`test`).
#
# Needs Python 3.11+. As root on Debian/Ubuntu it also installs the system packages Qt, the
# pyscard build and the tests need (missing ones only, so a second run is quick); without root it
# says what it could not install and goes on. Extra arguments go to the app (`run`) or to pytest
# (`test`). `installer/check-fresh-debian.sh` proves both commands on a fresh Debian 12 root.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
shift || true
case $mode in
  run | test) ;;
  *)
    echo "usage: installer/setup.sh run|test [args...]" >&2
    exit 2
    ;;
esac
python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null; then
  echo "setup: $python not found: install Python 3.11+ (Debian: apt-get install python3 python3-venv)" >&2
  exit 1
fi

# A fresh root has no locale set; Qt and the tests expect UTF-8 (C.UTF-8 is always there).
case ${LC_ALL:-${LC_CTYPE:-${LANG:-}}} in
  "" | C | POSIX)
    export LANG=C.UTF-8
    unset LC_ALL
    ;;
esac

# Qt's xcb/offscreen plugins and a CJK font (without one, Chinese renders as boxes); the PC/SC
# service with the virtual reader vpcd (training mode's emulated card); what pyscard needs to
# build from source (gcc with the C library headers, swig, libpcsclite-dev; the Python headers
# of the interpreter that runs this are added below); time zones and CA certificates, which a
# minimal Debian root may lack.
run_packages=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-render-util0 libxcb-image0
              libxcb-shape0 libxcb-randr0 libxkbcommon-x11-0 libxkbcommon0 libegl1 libgl1 libfontconfig1
              libdbus-1-3 libglib2.0-0 fonts-wqy-zenhei
              pcscd vsmartcard-vpcd libpcsclite-dev swig gcc libc6-dev
              tzdata ca-certificates)
# the tests read PDFs back with pdftotext/pdffonts/pdftoppm; PyInstaller (tests/test_bundle.py)
# needs objdump from binutils
test_packages=("${run_packages[@]}" poppler-utils binutils)

# The interpreter that builds the venv, and whether it is Debian's own (then its headers and
# venv module are Debian packages named after its version).
py_version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
py_include=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
py_executable=$("$python" -c 'import os, sys; print(os.path.realpath(sys.executable))')
debian_python=false
if command -v dpkg-query >/dev/null && dpkg-query -S "$py_executable" >/dev/null 2>&1; then
  debian_python=true
fi

install_debian_packages() {
  local missing=() package status
  # one dpkg-query for all: quick when everything is there (CI runs this every time)
  declare -A installed=()
  while read -r package status; do
    [[ $status == "install ok installed" ]] && installed[$package]=1
  done < <(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null || true)
  for package in "$@"; do
    [[ -n ${installed[$package]:-} ]] || missing+=("$package")
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
  packages=("${run_packages[@]}")
  [[ $mode == test ]] && packages=("${test_packages[@]}")
  if $debian_python; then
    # Python.h for pyscard's build, and ensurepip for the venv, of exactly this interpreter
    packages+=("python$py_version-dev" "python$py_version-venv")
  fi
  install_debian_packages "${packages[@]}"
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

# A venv whose creation failed half-way (no ensurepip) has a python but no pip: make it again.
if [[ -x .venv/bin/python ]] && ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  echo "setup: .venv has no working pip; creating it again" >&2
  rm -rf .venv
fi
if [[ ! -x .venv/bin/python ]]; then
  if ! "$python" -m venv .venv; then
    rm -rf .venv
    echo "setup: $python cannot create a virtualenv (Debian: apt-get install python$py_version-venv)" >&2
    exit 1
  fi
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
fi

# pyscard has no Linux wheel: pip compiles it against this interpreter's headers. Say so plainly
# before pip does, unless it is already built into the venv.
if [[ ! -f $py_include/Python.h ]] && ! .venv/bin/python -c 'import smartcard' 2>/dev/null; then
  if $debian_python; then
    hint="apt-get install python$py_version-dev (as root)"
  else
    hint="$py_executable is not Debian's Python and has no headers: install its development \
files (the same build's include/python$py_version), or use Debian's python3 with PYTHON=/usr/bin/python3"
  fi
  echo "setup: $py_include/Python.h is missing, so pyscard cannot be built: $hint" >&2
  exit 1
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

case $mode in
  run)
    exec .venv/bin/gasdesk "$@"
    ;;
  test)
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    if (($#)); then
      exec .venv/bin/python -m pytest "$@"
    fi
    # The whole suite in two processes at once (two cores): the tests of the PC/SC stack and the
    # bundle build, which mostly wait on pcscd's polls and on PyInstaller, beside the rest. Each
    # half has its own databases (PostgreSQL names carry the process id) and temporary files;
    # the stack's half alone takes the machine-wide vpcd lock. The second half's report comes
    # after the first's; the command fails when either half fails.
    half_log=$(mktemp -t gasdesk-tests-stack.XXXXXX)
    .venv/bin/python -m pytest -m "pcsc or slow" >"$half_log" 2>&1 &
    stack_half=$!
    status=0
    .venv/bin/python -m pytest -m "not pcsc and not slow" || status=$?
    stack_status=0
    wait "$stack_half" || stack_status=$?
    echo "==== the PC/SC stack and the bundle (pytest -m 'pcsc or slow') ===="
    cat "$half_log"
    rm -f "$half_log"
    if ((status || stack_status)); then
      echo "setup: tests failed (rest: exit $status, PC/SC stack and bundle: exit $stack_status)" >&2
      exit 1
    fi
    ;;
esac
