#!/usr/bin/env bash
# Build GasDesk's one-folder bundle, dist/gasdesk/, with PyInstaller (installer/gasdesk.spec).
#
#   installer/build.sh [--python PY] [--dist DIR] [--work DIR]
#
# PY is the Python whose packages go into the bundle (default: $PYTHON, else the checkout's
# .venv/bin/python, else python3); it needs the app installed and PyInstaller
# (`pip install -e '.[build]'`). DIR defaults to dist/ (the bundle lands in DIR/gasdesk) and
# build/ for PyInstaller's work files, both at the checkout's root; the work dir and the old
# bundle are deleted first, so no analysis of an earlier build is reused (PyInstaller's own
# cache of third-party libraries' binary dependencies stays: it only saves a minute of ldd).
# Prints the bundle's size at the end. The bundle runs without Python: DIR/gasdesk/gasdesk
# (the window), DIR/gasdesk/gasdesk admin ... (the administration tasks).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

python=${PYTHON:-}
dist=$root/dist
work=$root/build
while (($#)); do
  case $1 in
    --python) python=$2; shift 2 ;;
    --dist) dist=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "build: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ -z $python ]]; then
  if [[ -x $root/.venv/bin/python ]]; then python=$root/.venv/bin/python; else python=python3; fi
fi
if ! "$python" -c 'import PyInstaller' 2>/dev/null; then
  echo "build: $python has no PyInstaller: $python -m pip install -e '$root[build]'" >&2
  exit 1
fi
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
rm -rf "$work" "$dist/gasdesk"

started=$SECONDS
# the spec reads the checkout from its own path; the cwd only matters for PyInstaller's log
(cd "$root" && "$python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$dist" --workpath "$work" installer/gasdesk.spec)
rm -rf "$work"
[[ -x $dist/gasdesk/gasdesk || -f $dist/gasdesk/gasdesk.exe ]] || {
  echo "build: no executable in $dist/gasdesk" >&2
  exit 1
}
size=$(du -sm "$dist/gasdesk" | cut -f1)
echo "build: $dist/gasdesk, ${size} MB, built in $((SECONDS - started)) s"
