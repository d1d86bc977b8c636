#!/usr/bin/env bash
# Runs the released and the rfc build (and, for the type list, Debian's installed binary) through
# the checks listed in README.md, under TCG, and prints every command with its QMP answers and
# stderr. Usage: tools/qemu-rfc/verify.sh [DIR]   (DIR as given to build.sh, default /work/qemu-build)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:-/work/qemu-build}
REL=$DIR/released/build/qemu-system-x86_64
RFC=$DIR/rfc/build/qemu-system-x86_64
DEB=$(command -v qemu-system-x86_64 || true)
Q=$here/qmp-run.py

run() {  # run NAME BIN CMDS -- ARGS
  local name=$1 bin=$2; shift 2
  local cmds=$1; shift
  echo "### [$name] $(basename "$bin") ${*:2}"
  python3 "$Q" "$bin" "$cmds" "$@"
  echo
}
both() {  # both CMDS -- ARGS
  run released "$REL" "$@"
  run rfc "$RFC" "$@"
}
get() { printf '{"execute":"qom-get","arguments":{"path":"%s","property":"%s"}}' "$1" "$2"; }

echo "== 1. version"
both '{"execute":"query-version"}' -- -M none -nodefaults -accel tcg

echo "== 2. object-compat and ancestry"
for b in released rfc; do
  bin=$REL; [ $b = rfc ] && bin=$RFC
  python3 "$Q" "$bin" '{"execute":"qom-list-types","arguments":{"abstract":true}}' -- -M none -nodefaults -accel tcg \
    | sed -n 's/^<- //p' | python3 -c '
import json, sys
types = {t["name"]: t for t in json.load(sys.stdin)["return"]}
print("['"$b"'] %d types (%d abstract); object-compat present: %s" % (len(types),
      sum(1 for t in types.values() if t.get("abstract")), "object-compat" in types))
def chain(n):
    out = []
    while n in types and "parent" in types[n]:
        n = types[n]["parent"]; out.append(n)
    return out
for n in ["device", "virtio-net-pci", "e1000", "qemu-xhci", "memory-backend", "memory-backend-ram",
          "memory-backend-file", "memory-backend-memfd", "accel", "tcg-accel", "kvm-accel",
          "confidential-guest-support", "sev-guest", "sev-snp-guest", "tdx-guest", "migration"]:
    print("['"$b"']   %-26s -> %s" % (n, ", ".join(chain(n)) if n in types else "(type missing)"))
'
  run "$b" "$bin" '{"execute":"qom-list-types","arguments":{"implements":"object-compat","abstract":true}}' -- -M none -nodefaults -accel tcg \
    | python3 -c '
import json, sys
for l in sys.stdin:
    if l.startswith("<- "):
        r = json.loads(l[3:])
        if "return" in r:
            names = sorted(t["name"] for t in r["return"])
            print("  implements=object-compat: %d types; non-device ones: %s" % (len(names),
                  [n for n in names if n.startswith(("memory-backend", "accel", "tcg-accel", "kvm-accel", "qtest-accel", "xen-accel", "confidential", "sev", "tdx", "x86-conf", "migration", "object-compat"))]))
        else:
            print("  ", l.strip())
    else:
        print("  ", l.rstrip())
'
done
both '{"execute":"device-list-properties","arguments":{"typename":"migration"}}' -- -M none -nodefaults -accel tcg 2>&1 | cut -c1-400

echo "== 3. sev-guest legacy-vm-type on pc-q35-8.2"
both "$(get /objects/sev0 legacy-vm-type)" -- -machine pc-q35-8.2 -nodefaults -S -accel tcg \
  -object sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1
both "$(get /objects/sev0 legacy-vm-type)" -- -machine pc-q35-10.0 -nodefaults -S -accel tcg \
  -object sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1

echo "== 4. migration globals"
mp='{"execute":"query-migrate-parameters"}'
mc='{"execute":"query-migrate-capabilities"}'
both "$mp;$mc" -- -machine pc-q35-8.2 -nodefaults -S -accel tcg \
  -global migration.send-configuration=off -global migration.zero-page-detection=none \
  -global migration.multifd-channels=5 -global migration.x-events=on 2>&1 \
  | python3 -c '
import json, sys
for l in sys.stdin:
    if l.startswith("<- "):
        r = json.loads(l[3:])["return"]
        if isinstance(r, dict):
            print("   params: zero-page-detection=%s multifd-channels=%s" % (r["zero-page-detection"], r["multifd-channels"]))
        else:
            print("   caps: events=%s" % [c["state"] for c in r if c["capability"] == "events"])
    elif not l.startswith("->"):
        print(l.rstrip())
'
echo "-- migration 'globals' (not in query-migrate-parameters; HMP 'info migrate' prints them)"
im='{"execute":"human-monitor-command","arguments":{"command-line":"info migrate"}}'
for g in "" "-global migration.send-configuration=off" "-global migration.send-switchover-start=on"; do
  both "$im" -- -machine pc-q35-9.2 -nodefaults -S -accel tcg $g 2>&1 | python3 -c '
import json, sys
for l in sys.stdin:
    if l.startswith("<- "):
        s = json.loads(l[3:])["return"]
        print("<- info migrate:", [x for x in s.splitlines() if x.startswith(("send-configuration", "send-switchover-start"))])
    else:
        print(l.rstrip())
'
done
echo "-- compat alone (no -global): zero-page-detection on pc-q35-8.2"
both "$mp" -- -machine pc-q35-8.2 -nodefaults -S -accel tcg 2>&1 | sed 's/^<- .*"zero-page-detection": \("[a-z]*"\).*/<- zero-page-detection=\1/'
echo "-- a bad migration global"
both "$mp" -- -machine pc-q35-10.0 -nodefaults -S -accel tcg -global migration.multifd-channels=abc 2>&1 | cut -c1-200
both "$mp" -- -machine pc-q35-10.0 -nodefaults -S -accel tcg -global migration.x-nosuch=1 2>&1 | cut -c1-200
echo "-- globals aimed at the device/object-compat base types"
both "$mp" -- -machine none -nodefaults -S -accel tcg -global device.zzz=1 2>&1 | cut -c1-200
both "$mp" -- -machine none -nodefaults -S -accel tcg -global object-compat.zzz=1 2>&1 | cut -c1-200

echo "== 5. unused / invalid globals on non-devices"
for g in memory-backend-ram.x-foo=1 memory-backend-ram.prealloc=on memory-backend.prealloc=on \
         tcg-accel.tb-size=1 sev-guest.legacy-vm-type=on nosuch-type.foo=1 object.foo=1; do
  both '' -- -machine pc-q35-10.0 -nodefaults -S -accel tcg -global "$g"
done
echo "-- with the object actually created"
both "$(get /objects/m0 prealloc)" -- -machine pc-q35-10.0 -nodefaults -S -accel tcg \
  -object memory-backend-ram,id=m0,size=1M -global memory-backend-ram.prealloc=on

echo "== 6. compat-then-globals order and other side effects"
both "$(get /machine/peripheral/vb vectors)" -- -machine pc-q35-9.2 -nodefaults -S -accel tcg \
  -device virtio-balloon-pci,id=vb
both "$(get /machine/peripheral/vb vectors)" -- -machine pc-q35-9.2 -nodefaults -S -accel tcg \
  -global virtio-balloon-pci.vectors=3 -device virtio-balloon-pci,id=vb
both "$(get /objects/m0 x-use-canonical-path-for-ramblock-id)" -- -machine pc-q35-3.1 -nodefaults -S -accel tcg \
  -object memory-backend-memfd,id=m0,size=1M
both "$(get /machine/unattached/device[0] vme)" -- -machine pc-q35-10.0 -nodefaults -S -accel tcg -cpu qemu64,vme=on
both "$(get /machine/unattached/device[0] vme)" -- -machine pc-q35-10.0 -nodefaults -S -accel tcg -cpu qemu64

if [ -n "$DEB" ]; then
  echo "== 7. qom-list-types / -machine help: released build vs $DEB"
  for b in deb released; do
    bin=$REL; [ $b = deb ] && bin=$DEB
    python3 "$Q" "$bin" '{"execute":"qom-list-types","arguments":{"abstract":true}}' -- -M none -nodefaults -accel tcg \
      | sed -n 's/^<- //p' | python3 -c 'import json,sys; print("\n".join(sorted(t["name"] for t in json.load(sys.stdin)["return"])))' > "/tmp/qemu-rfc-types.$b"
    "$bin" -machine help | sort > "/tmp/qemu-rfc-machines.$b"
  done
  echo "types: debian $(wc -l < /tmp/qemu-rfc-types.deb), released build $(wc -l < /tmp/qemu-rfc-types.released)"
  echo "-- only in Debian's binary:"; comm -23 /tmp/qemu-rfc-types.deb /tmp/qemu-rfc-types.released | paste -sd' '
  echo "-- only in the released build:"; comm -13 /tmp/qemu-rfc-types.deb /tmp/qemu-rfc-types.released | paste -sd' '
  echo "-- -machine help differences (< debian, > released build):"
  diff /tmp/qemu-rfc-machines.deb /tmp/qemu-rfc-machines.released || true
fi
