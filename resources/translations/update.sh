#!/usr/bin/env bash
# Regenerate the English translation: collect every self.tr() string of ui/ into gasdesk_en.ts
# (existing translations are kept, vanished strings marked obsolete), then compile gasdesk_en.qm.
# Translate new strings with Qt Linguist (pyside6-linguist gasdesk_en.ts) and run this again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
shopt -s nullglob
sources=(ui/*.py ui/dialogs/*.py)
pyside6-lupdate -no-obsolete -source-language zh_CN -target-language en "${sources[@]}" -ts "$here/gasdesk_en.ts"
pyside6-lrelease "$here/gasdesk_en.ts" -qm "$here/gasdesk_en.qm"
