#!/usr/bin/env sh
# The whole suite through turbo, then one closing line with the totals of every package.
rm -rf .vitest-results
turbo run test --concurrency=2 "$@"
status=$?
node scripts/test-summary.mjs
exit $status
