#!/usr/bin/env bash
# Prove the README's two Quick start commands on a fresh Debian 12 (bookworm).
#
#   installer/check-fresh-debian.sh [--ref REF] [--cache DIR] [--only run|test] [--keep] [REPO]
#
# Builds a pristine bookworm root with debootstrap (minbase plus python3, python3-venv and git,
# nothing else the project needs), clones REPO (default: this checkout) at REF (default: HEAD)
# inside it with the root's own git, and runs both Quick start commands, extracted from the
# clone's README exactly as .ci/run extracts them: the first (`run`, a GUI that blocks) offscreen
# with the app's hidden --quit-after, the second (`test`) as it is. Needs root (chroot, mounts).
# The host's PostgreSQL on 127.0.0.1:5432 serves the chroot's PostgreSQL tests (same network
# namespace); the card tests share the machine-wide PC/SC lock file with the host, so the host's
# test runs and this one take turns at vpcd's port. --cache DIR keeps a tarball of the pristine
# root for faster reruns (each run still starts from a fresh copy of it). Exit 0 when both
# commands passed their checks.
set -euo pipefail

suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
include=python3,python3-venv,git
quit_after=${QUIT_AFTER:-5}
ref=HEAD
cache=""
keep=false
only=""
repo=""
while (($#)); do
  case $1 in
    --ref) ref=$2; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "check: unknown option $1" >&2; exit 2 ;;
    *) repo=$1; shift ;;
  esac
done
repo=${repo:-$(cd "$(dirname "$0")/.." && pwd)}
[[ $(id -u) -eq 0 ]] || { echo "check: needs root (debootstrap, chroot, mount)" >&2; exit 2; }

log() { printf '[check %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# the commit to test, and the git directory that holds it (a worktree's objects live in the
# common git dir, which is what the chroot gets to clone from)
commit=$(git -C "$repo" rev-parse --verify "$ref^{commit}")
git_dir=$(cd "$repo" && cd "$(git rev-parse --git-common-dir)" && pwd)
log "repository $repo, ref $ref = $commit"
if [[ -n $(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  log "note: uncommitted changes in $repo are not part of the check (it clones $commit)"
fi

if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap on the host"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

work=$(mktemp -d /var/tmp/gasdesk-fresh-debian.XXXXXX)
root=$work/root
mounted=()  # mount points inside the root, in mount order

cleanup() {
  local status=$? pid link i
  set +e
  # anything still running inside the root (a pcscd the suite left, the app): end it by its id
  for link in /proc/[0-9]*/root; do
    [[ $(readlink "$link" 2>/dev/null) == "$root" ]] || continue
    pid=${link#/proc/}; pid=${pid%/root}
    kill "$pid" 2>/dev/null
  done
  sleep 1
  for link in /proc/[0-9]*/root; do
    [[ $(readlink "$link" 2>/dev/null) == "$root" ]] || continue
    pid=${link#/proc/}; pid=${pid%/root}
    kill -9 "$pid" 2>/dev/null
  done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null \
      || echo "check: could not unmount ${mounted[i]}" >&2
  done
  if grep -q " $root/" /proc/mounts; then
    echo "check: mounts left under $root; not deleting it" >&2
  elif $keep; then
    log "kept the root at $root"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount_in() {  # mount_in TARGET mount-args...: mount inside the root, remembered for cleanup
  local target=$root$1
  shift
  [[ -e $target ]] || mkdir -p "$target"  # a file (the lock) is bound onto a file
  mount "$@" "$target"
  mounted+=("$target")
}

# --- a pristine root -------------------------------------------------------------------------
started=$SECONDS
key=$(printf '%s %s %s minbase' "$suite" "$mirror" "$include" | sha256sum | cut -c1-12)
tarball=${cache:+$cache/debian-$suite-minbase-$key.tar}
mkdir -p "$root"
if [[ -n $tarball && -f $tarball ]]; then
  log "unpacking the cached pristine root $tarball"
  tar -C "$root" --numeric-owner --xattrs -xpf "$tarball"
else
  log "debootstrap --variant=minbase --include=$include $suite ($mirror)"
  debootstrap --variant=minbase --include="$include" "$suite" "$root" "$mirror" \
    > "$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log"; exit 1; }
  # what Debian's installer also writes: updates and security, and the loopback names
  cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${mirror%/debian}/debian-security $suite-security main
SOURCES
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
  rm -rf "$root/var/cache/apt/archives/"*.deb
  if [[ -n $tarball ]]; then
    mkdir -p "$cache"
    tar -C "$root" --numeric-owner --xattrs -cpf "$tarball.part" . && mv "$tarball.part" "$tarball"
    log "cached the pristine root as $tarball"
  fi
fi
log "root ready in $((SECONDS - started)) s: $(chroot "$root" dpkg-query -W -f='.\n' | wc -l) packages"

# --- the mounts: kernel file systems, a fresh /run and /tmp, the shared PC/SC lock ------------
mount_in /proc -t proc proc
mount_in /sys -t sysfs sysfs
mount_in /dev --bind /dev
mount_in /dev/pts --bind /dev/pts
mount_in /dev/shm -t tmpfs -o mode=1777,nosuid,nodev tmpfs
mount_in /run -t tmpfs -o mode=0755,nosuid,nodev tmpfs
mount_in /tmp -t tmpfs -o mode=1777,nosuid,nodev tmpfs
# The host's network, not a project need: its DNS, the CAs it trusts beyond Debian's (a proxy
# that inspects TLS) and its proxy settings; without them pip cannot reach the index here.
cp /etc/resolv.conf "$root/etc/resolv.conf"
host_env=()
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  # minbase already has ca-certificates: fold them into its bundle (again when setup installs it)
  chroot "$root" update-ca-certificates >/dev/null 2>&1 || true
  host_env+=(PIP_CERT=/etc/ssl/certs/ca-certificates.crt)
fi
for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
  [[ -n ${!name:-} ]] && host_env+=("$name=${!name}")
done
# app/devices/pcsc.py: LOCK_PATH is tempfile.gettempdir()/gasdesk-pcsc-stack.lock on both sides
host_lock=${TMPDIR:-/tmp}/gasdesk-pcsc-stack.lock
touch "$host_lock"
touch "$root/tmp/gasdesk-pcsc-stack.lock"
mount_in /tmp/gasdesk-pcsc-stack.lock --bind "$host_lock"
lock_identity=$(stat -c '%d:%i' "$host_lock")
[[ $(stat -c '%d:%i' "$root/tmp/gasdesk-pcsc-stack.lock") == "$lock_identity" ]] \
  || { echo "check: the PC/SC lock inside the root is not the host's $host_lock" >&2; exit 1; }
log "PC/SC lock shared with the host: $host_lock (device:inode $lock_identity)"
mount_in /src.git --bind "$git_dir"
mount -o remount,bind,ro "$root/src.git"

in_root() {  # a login-like, clean environment: nothing of the host's leaks in
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    TERM=dumb "${host_env[@]}" "$@"
}

# --- a clean clone with the root's own git ---------------------------------------------------
log "git clone inside the root, checkout $commit"
in_root git -c safe.directory='*' clone -q --no-checkout /src.git /root/gasdesk
in_root git -C /root/gasdesk -c advice.detachedHead=false checkout -q --detach "$commit"

# both commands, extracted as .ci/run does (the same code, on the clone's README)
in_root python3 - > "$work/commands" <<'PY'
import re
text = open("/root/gasdesk/README.md", encoding="utf-8").read()
section = re.search(r"^#+\s*Quick start.*?$(.*?)(?=^#+\s|\Z)", text, re.S | re.M | re.I).group(1)
blocks = re.findall(r"```[^\n]*\n(.*?)```", section, re.S)
assert len(blocks) == 2, f"Quick start must hold exactly two fenced commands, found {len(blocks)}"
for block in blocks:  # NUL-separated: a block may span lines, and runs as it is
    print(block.strip(), end="\0")
PY
mapfile -d '' -t commands < "$work/commands"
summary=()
failed=0
skips=""

run_step() {  # run_step NAME COMMAND ENV...: run in the clone, record exit code and duration
  local name=$1 command=$2 start code
  shift 2
  log "$name: + $command"
  start=$SECONDS
  set +e
  # in the background, so that a signal reaches the trap (and the clean-up) at once
  { in_root "$@" bash -c "cd /root/gasdesk && $command" 2>&1 | tee "$work/$name.out"
    exit "${PIPESTATUS[0]}"; } &
  wait $!
  code=$?
  set -e
  step_code=$code
  step_seconds=$((SECONDS - start))
  log "$name: exit $code after ${step_seconds} s"
}

if [[ $only != test ]]; then
# 1. run: the GUI, offscreen; --quit-after quits once the login window takes logins
run_step run "${commands[0]} --quit-after $quit_after" QT_QPA_PLATFORM=offscreen
run_ok=true
app_log=$root/root/.local/share/gasdesk/logs/gasdesk.log
database=/root/.local/share/gasdesk/demo.sqlite3
checks=""
[[ $step_code -eq 0 ]] || run_ok=false
if grep -q "login window shown" "$app_log" 2>/dev/null; then
  checks+="login window shown; "
else
  checks+="NO login window in $app_log; "; run_ok=false
fi
if grep -q "ready for login" "$app_log" 2>/dev/null; then
  checks+="ready for login; "
else
  checks+="NOT ready for login; "; run_ok=false
fi
if grep -q "empty hall: creating demo data" "$app_log" 2>/dev/null; then
  checks+="demo hall created; "
else
  checks+="NO demo hall in the log; "; run_ok=false
fi
users=$(in_root python3 -c "import sqlite3; print(sqlite3.connect('file:$database?mode=ro', uri=True).execute('select count(*) from users').fetchone()[0])" 2>&1) || users="? ($users)"
checks+="$users users in $database"
[[ $users =~ ^[1-9][0-9]*$ ]] || run_ok=false
if [[ -f $app_log ]]; then
  echo "--- the app's log ($app_log) ---"
  cat "$app_log"
  echo "---"
fi
$run_ok || failed=1
summary+=("$(printf '%-4s exit %-3s %5s s  %s  [%s] %s' run "$step_code" "$step_seconds" \
  "${commands[0]} --quit-after $quit_after" "$($run_ok && echo OK || echo FAILED)" "$checks")")


# 1b. the same command again: set-up finds everything in place and must be quick (CI runs it
# every time)
run_step rerun "${commands[0]} --quit-after 1" QT_QPA_PLATFORM=offscreen
[[ $step_code -eq 0 ]] || failed=1
summary+=("$(printf '%-4s exit %-3s %5s s  %s  [%s] %s' rerun "$step_code" "$step_seconds" \
  "${commands[0]} --quit-after 1" "$( ((step_code)) && echo FAILED || echo OK)" \
  "the same command again, everything already set up")")
fi

if [[ $only != run ]]; then
# 2. test: the whole suite as CI runs it (CI unset: what cannot be reached is skipped, loudly)
run_step test "${commands[1]}"
# the suite runs as two pytest processes (installer/setup.sh): both summary lines, joined
pytest_line=$(grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* in [0-9.]+s' "$work/test.out" | tail -2 | paste -sd '|' || true)
test_ok=true
[[ $step_code -eq 0 ]] || test_ok=false
$test_ok || failed=1
summary+=("$(printf '%-4s exit %-3s %5s s  %s  [%s] %s' test "$step_code" "$step_seconds" \
  "${commands[1]}" "$($test_ok && echo OK || echo FAILED)" "${pytest_line:-no pytest summary line}")")
# what the suite would have skipped here: the PostgreSQL and card tests must have run
for marker in postgres pcsc; do
  collected=$(in_root bash -c "cd /root/gasdesk && .venv/bin/python -m pytest -p no:cacheprovider \
    --collect-only -q -m $marker 2>/dev/null | tail -1" || true)
  summary+=("     -m $marker: $collected")
done
skips=$(grep -E '^SKIPPED' "$work/test.out" | sed -E 's/^SKIPPED \[[0-9]+\] [^:]+:[0-9]+: //' \
  | sort | uniq -c | sort -rn | head -10 || true)
fi

echo
echo "===== fresh Debian $suite check: $repo @ $commit ====="
echo "root: debootstrap minbase + $include; $(date -u '+%Y-%m-%d %H:%M UTC')"
printf '%s\n' "${summary[@]}"
if [[ -n $skips ]]; then
  echo "skip reasons (count):"
  echo "$skips"
fi
echo "result: $( ((failed)) && echo FAILED || echo PASSED)"
exit "$failed"
