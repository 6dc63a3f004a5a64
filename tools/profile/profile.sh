#!/usr/bin/env bash
# Instruction profile of one kernel trip under icount (docs/bench.md "What was tried": how to run it).
#   tools/profile/profile.sh IMAGE -- STEPI-PROFILE-ARGUMENTS
# e.g. tools/profile/profile.sh ipcbench -- --break ipcbench_invoke_batch:syscall \
#        --user-elf artifacts/user/ipcbench.elf --skip 100 --runs 2
# Boots a fresh copy of artifacts/images/IMAGE.img (a stored system runs on from its last checkpoint, so the
# image is never booted in place) with `./capos run --gdb --deterministic --no-build`, attaches gdb to the stub
# on :1234, runs stepi-profile (tools/profile/stepi.py) and ends QEMU. Needs a build (artifacts/).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ $# -lt 2 ] || [ "$2" != "--" ]; then
  echo "usage: $0 IMAGE -- STEPI-PROFILE-ARGUMENTS" >&2
  exit 2
fi
image="$root/artifacts/images/$1.img"
shift 2
[ -f "$image" ] || { echo "profile: no $image (build first)" >&2; exit 2; }
if ss -ltn 2>/dev/null | grep -q ':1234 '; then
  echo "profile: port 1234 is taken (another gdb stub runs): wait for it" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'kill "$launcher" 2>/dev/null || true; rm -rf "$work"' EXIT
cp "$image" "$work/disk.img"
cd "$root"
./capos run --gdb --deterministic --no-build --timeout 600 --disk "$work/disk.img" >"$work/console.log" 2>&1 &
launcher=$!
for _ in $(seq 100); do
  ss -ltn 2>/dev/null | grep -q ':1234 ' && break
  sleep 0.1
done
gdb -batch -nx -ex "source $root/tools/profile/stepi.py" -ex 'target remote :1234' \
    -ex "stepi-profile $* --kill" artifacts/kernel/kernel.elf 2>&1 | grep -v '^\[Inferior\|^Kill the program\|^0x[0-9a-f]* in ?? ()'
wait "$launcher" 2>/dev/null || true
