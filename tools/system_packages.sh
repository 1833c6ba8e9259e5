#!/usr/bin/env bash
# Install the system programs the tests use, when this machine lets us:
#   graphviz (dot: graph pictures), chromium + fonts-wqy-microhei (the browser test).
# Usage: tools/system_packages.sh          try; when not root or no apt-get, say what
#                                          will be skipped and exit 0 (make test)
#        tools/system_packages.sh --strict fail when anything cannot be installed (CI)
set -uo pipefail
strict=0
[ "${1:-}" = "--strict" ] && strict=1

need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk\|wqy" || need+=(fonts-wqy-microhei)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "not installing ${need[*]} (that needs root and apt-get): the tests that need" \
       "them will be skipped; the end of the test run says how to enable them."
  exit $((strict))
fi
echo "installing system packages with apt-get: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq >/dev/null && \
   apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
  exit 0
fi
echo "apt-get could not install ${need[*]}: the tests that need them will be skipped."
exit $((strict))
