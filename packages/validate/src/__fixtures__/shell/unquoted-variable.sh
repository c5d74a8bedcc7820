#!/usr/bin/env bash
# Broken: unquoted expansions split and glob.
set -euo pipefail
target=$1
rm -rf $target/dist
