#!/usr/bin/env bash
# `make test`: start the local stack, run every test (unit and integration) with one runner,
# stop the stack, and end with the summary line `N passed, N failed, N skipped`.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
summary_file=.local/test-summary.txt
mkdir -p .local
rm -f "$summary_file"

if ! infra/local/stack.sh start; then
  echo "test: the local stack did not start (see above); integration tests cannot run"
  infra/local/stack.sh stop >/dev/null 2>&1 || true
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

IDS_TEST_SUMMARY_FILE="$summary_file" npx jest --ci "$@"
status=$?
infra/local/stack.sh stop || true
if [ -s "$summary_file" ]; then
  cat "$summary_file"
else
  echo "0 passed, 1 failed, 0 skipped"
  [ "$status" -eq 0 ] && status=1
fi
exit "$status"
