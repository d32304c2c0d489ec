#!/usr/bin/env bash
# Owns every Debian package Vitalive needs and the local services its tests talk to.
# Usage: scripts/setup.sh [build|all|bench]
#   build  only the packages that compile the mediasoup worker (called by postinstall)
#   all    (default) every package, then starts Redis, PostgreSQL and Mosquitto on loopback
#   bench  what `all` does, plus what only the benchmarks use (HAProxy for the multi-node runs)
# Idempotent and silent when everything is already in place.
set -euo pipefail

mode="${1:-all}"

# The mediasoup 3.12 worker links these system libraries instead of downloading its subprojects.
BUILD_PACKAGES=(meson ninja-build pkg-config g++ libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev nlohmann-json3-dev libabsl-dev)
# Services the tests use for real (never mocks), the browser for end-to-end tests, and the CJK font
# share posters draw Chinese with (Noto Sans CJK: Skia reads its .ttc collections through fontconfig).
SERVICE_PACKAGES=(redis-server postgresql mosquitto mosquitto-clients chromium fonts-noto-cjk unzip ffmpeg)

# Only the benchmarks: the balancer in front of several nodes (bench:orders' cluster run).
BENCH_PACKAGES=(haproxy)

case "$mode" in
  build) wanted=("${BUILD_PACKAGES[@]}") ;;
  all) wanted=("${BUILD_PACKAGES[@]}" "${SERVICE_PACKAGES[@]}") ;;
  bench) wanted=("${BUILD_PACKAGES[@]}" "${SERVICE_PACKAGES[@]}" "${BENCH_PACKAGES[@]}") ;;
  *) echo "setup: unknown mode '$mode' (expected: build | all | bench)" >&2; exit 2 ;;
esac

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

missing=()
for pkg in "${wanted[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  install_line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages. Run as root: apt-get update && $install_line" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "$mode" = "build" ] && exit 0

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_port() {
  local port="$1" name="$2"
  for _ in $(seq 1 100); do
    port_open "$port" && return 0
    sleep 0.1
  done
  echo "setup: $name did not start listening on 127.0.0.1:$port" >&2
  exit 1
}

as_root_or_fail() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: $1 is installed but not running; start it as root: $2" >&2
    exit 1
  fi
}

start_redis() {
  port_open 6379 && return 0
  local cmd='redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/vitalive.log'
  as_root_or_fail Redis "$cmd"
  mkdir -p /var/lib/redis /var/log/redis
  eval "$cmd"
  wait_port 6379 Redis
}

start_postgres() {
  port_open 5432 && return 0
  local version
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$version" ]; then
    echo "setup: PostgreSQL is installed but has no cluster under /etc/postgresql" >&2
    exit 1
  fi
  local cmd="pg_ctlcluster --skip-systemctl-redirect $version main start"
  as_root_or_fail PostgreSQL "$cmd"
  eval "$cmd"
  wait_port 5432 PostgreSQL
}

# Tests connect as postgres/postgres over TCP. Trust auth accepts that as is; a stock Debian cluster
# asks for a password, so give the postgres role that password once (development machines only).
ensure_postgres_login() {
  if PGCONNECT_TIMEOUT=5 PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    return 0
  fi
  as_root_or_fail "The PostgreSQL login postgres/postgres" "su postgres -c \"psql -c \\\"alter user postgres password 'postgres'\\\"\""
  su postgres -c "psql -qc \"alter user postgres password 'postgres'\"" >/dev/null
}

start_mosquitto() {
  port_open 1883 && return 0
  local cmd='mosquitto -d -c /etc/mosquitto/mosquitto.conf'
  as_root_or_fail Mosquitto "$cmd"
  eval "$cmd"
  wait_port 1883 Mosquitto
}

start_redis
start_postgres
ensure_postgres_login
start_mosquitto
