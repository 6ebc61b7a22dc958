#!/usr/bin/env bash
# Installs what the benchmark needs from Debian's packages when it is missing: wrk (the load generator),
# taskset (util-linux: pins the server and wrk to separate cores) and GNU time (/usr/bin/time, package
# "time": the type-checking benchmark, typecheck/run.mjs, reads tsc's CPU time from it). Safe to run again:
# it installs nothing that is already there. Needs root (or sudo) and apt; on other systems install them by
# hand.
set -euo pipefail

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
[ -x /usr/bin/time ] || missing+=(time)

if [ ${#missing[@]} -eq 0 ]; then
  echo "ensure-tools: wrk, taskset and /usr/bin/time are installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-tools: missing ${missing[*]} and no apt-get here: install them by hand" >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "ensure-tools: missing ${missing[*]}: run as root to install them" >&2
    exit 1
  fi
fi

echo "ensure-tools: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
command -v wrk >/dev/null && command -v taskset >/dev/null && [ -x /usr/bin/time ]
echo "ensure-tools: done ($(wrk --version 2>&1 | head -n 1))"
