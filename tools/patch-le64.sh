#!/usr/bin/env bash
# tools/patch-le64.sh FILE OFFSET VALUE: write VALUE as a little-endian
# 64-bit integer at byte OFFSET of FILE (used for header fields that are
# only known after linking).
set -euo pipefail
file=$1 offset=$2 value=$(( $3 ))
bytes=""
for ((i = 0; i < 8; i++)); do
	bytes+=$(printf '\\x%02x' $(( (value >> (8 * i)) & 0xff )))
done
printf "$bytes" | dd of="$file" bs=1 seek="$offset" conv=notrunc status=none
