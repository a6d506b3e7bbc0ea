#!/usr/bin/env bash
# What `npm test` needs beyond node_modules, got or started here so that the test command works
# on a fresh machine of this project's kind (Node, PostgreSQL and Redis installed; no Chromium):
# PostgreSQL and Redis on 127.0.0.1 (started if they are installed but not answering), and
# Debian's Chromium for the browser tests (installed with apt-get if missing; never a
# downloaded browser). Each step says what it did; nothing is printed when all is already there.
set -euo pipefail

if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "test-env: PostgreSQL is not answering on 127.0.0.1:5432; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "test-env: Redis is not answering on 127.0.0.1:6379; starting it"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "test-env: /usr/bin/chromium is missing; installing Debian's chromium package (browser tests)"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  echo "test-env: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium installed')"
fi
