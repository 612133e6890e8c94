#!/usr/bin/env bash
# Makes sure the local services the system and its tests need are answering:
#   deploy/ensure-services.sh [rabbitmq] [postgres] [chromium] [promtool]   (default: rabbitmq postgres)
# Starts them if installed but stopped; installs them from Debian's packages if missing.
set -euo pipefail

say() { printf 'ensure-services: %s\n' "$*"; }

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 name=$2
  for _ in $(seq 1 90); do
    answers "$port" && { say "$name answers on 127.0.0.1:$port"; return 0; }
    sleep 1
  done
  say "$name did not answer on 127.0.0.1:$port within 90 s" >&2
  return 1
}

apt_install() {
  say "installing $* from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@" >/dev/null
}

ensure_rabbitmq() {
  answers 5672 && { say "RabbitMQ answers on 127.0.0.1:5672"; return 0; }
  command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
  say "starting RabbitMQ"
  rabbitmq-server -detached
  wait_for_port 5672 RabbitMQ
  rabbitmqctl -q await_startup >/dev/null 2>&1 || true
}

ensure_postgres() {
  answers 5432 && { say "PostgreSQL answers on 127.0.0.1:5432"; return 0; }
  local version fresh=""
  command -v pg_ctlcluster >/dev/null || { apt_install postgresql; fresh=yes; }
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ -n "$fresh" ]; then
    # As on this machine kind: the tests' throw-away databases are made over loopback without a password.
    sed -i '1i host all all 127.0.0.1/32 trust' "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for_port 5432 PostgreSQL
}

# The browser tests drive Debian's Chromium through Playwright (no browser download).
ensure_chromium() {
  command -v chromium >/dev/null || apt_install chromium
  say "$(chromium --version 2>/dev/null | head -n 1)"
}

# The alert rules' tests use promtool, from Debian's prometheus package (the server is not started).
ensure_promtool() {
  command -v promtool >/dev/null || apt_install --no-install-recommends prometheus
  say "$(promtool --version 2>&1 | head -n 1)"
}

[ $# -eq 0 ] && set -- rabbitmq postgres
for service in "$@"; do
  case "$service" in
    rabbitmq) ensure_rabbitmq ;;
    postgres) ensure_postgres ;;
    chromium) ensure_chromium ;;
    promtool) ensure_promtool ;;
    *) say "unknown service '$service' (rabbitmq, postgres, chromium, promtool)" >&2; exit 2 ;;
  esac
done
