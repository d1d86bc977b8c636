#!/usr/bin/env bash
# Re-records machines/qemu-7.2/x86_64: the definitions of Debian bookworm's QEMU 7.2, imported
# beside the embedded 10.0.2 data for `abi-check --from machines/qemu-7.2/x86_64`.
# QEMU 7.2 reports no compat lists (query-machines gained compat-props in 9.1): the import records
# what each machine type's board shows instead. About 15 minutes on 2 idle cores.
# Usage: tools/import-qemu-7.2.sh [QEMU_7.2_DIR]   (default ../qemu-7.2; unpacked there if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-../qemu-7.2}
qemu=$(bash ../shared/tools/get-qemu-7.2.sh "$dir" | tail -1)
npm run --silent build
node bin/qom-compat import --qemu "$qemu" --out machines/qemu-7.2
# The data sits one level deeper than machines/x86_64: point the editors' schema links at machines/schema.
sed -i 's|"\$schema": "../schema/|"$schema": "../../schema/|' machines/qemu-7.2/x86_64/*.json
