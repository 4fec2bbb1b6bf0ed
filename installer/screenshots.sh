#!/usr/bin/env bash
# Render every main screen in zh_CN into docs/screenshots/ (real windows under Xvfb).
# Needs the venv from `bash installer/setup.sh run`; installs xvfb when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v xvfb-run >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xvfb xauth >/dev/null
  else
    echo "screenshots: xvfb-run is missing (apt-get install xvfb)" >&2
    exit 1
  fi
fi
unset QT_QPA_PLATFORM  # a real X display, not offscreen
exec xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m ui.screenshots docs/screenshots "$@"
