#!/usr/bin/env bash
# Start the services the operations service's tests and demos need, installing them when absent.
# Run as root; safe to run again: each step checks before it acts.
# Prints the export lines to paste into the shell (or `eval "$(scripts/services.sh)"`).
set -euo pipefail

PG_ROLE="${SURPLUS_PG_ROLE:-surplus}"
PG_PASSWORD="${SURPLUS_PG_PASSWORD:-surplus-dev-password}"
PG_DATABASE="${SURPLUS_PG_DATABASE:-surplus_test}"
PG_PORT="${SURPLUS_PG_PORT:-5432}"

log() { echo "services.sh: $*" >&2; }

need_root() {
  if [[ "$(id -u)" != 0 ]]; then
    log "run as root (it installs and starts system services)"
    exit 1
  fi
}

apt_updated=0
apt_install() {
  if [[ "$apt_updated" == 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

postgres_installed() { command -v pg_ctlcluster >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; }

postgres_running() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; }

install_postgres() {
  postgres_installed && return 0
  log "installing PostgreSQL"
  apt_install postgresql postgresql-client
}

start_postgres() {
  postgres_running && return 0
  log "starting PostgreSQL"
  local version
  version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
  if ! pg_lsclusters -h | grep -q "^$version main"; then
    pg_createcluster "$version" main >&2
  fi
  pg_ctlcluster "$version" main start >&2 || service postgresql start >&2
  for _ in $(seq 1 30); do
    postgres_running && return 0
    sleep 1
  done
  log "PostgreSQL did not become ready on port $PG_PORT"
  exit 1
}

psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtAX -p $PG_PORT $*"; }

create_postgres_role_and_database() {
  if [[ "$(psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'\"")" != 1 ]]; then
    log "creating role $PG_ROLE"
    psql_admin "-c \"CREATE ROLE $PG_ROLE LOGIN PASSWORD '$PG_PASSWORD'\""
  else
    psql_admin "-c \"ALTER ROLE $PG_ROLE LOGIN PASSWORD '$PG_PASSWORD'\""
  fi
  if [[ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'\"")" != 1 ]]; then
    log "creating database $PG_DATABASE"
    psql_admin "-c \"CREATE DATABASE $PG_DATABASE OWNER $PG_ROLE\""
  fi
}

print_exports() {
  echo "export SURPLUS_TEST_POSTGRES_URL=postgresql+psycopg://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DATABASE"
}

# MQTT broker for the OpenADR notifier: Mosquitto on 127.0.0.1:$MQTT_PORT (loopback only), no
# anonymous clients, access control by the dynamic-security plugin. The VTN logs in as the
# plugin's admin account: it publishes notifications and manages every VEN's client and role.
MQTT_USER="${SURPLUS_MQTT_USER:-surplus-vtn}"
MQTT_PASSWORD="${SURPLUS_MQTT_PASSWORD:-surplus-mqtt-dev-password}"
MQTT_PORT="${SURPLUS_MQTT_PORT:-1883}"
MQTT_DIR="${SURPLUS_MQTT_DIR:-/var/lib/surplus-mosquitto-$MQTT_PORT}"
# The same broker over TLS, with a certificate from a CA made here (for the TLS tests).
MQTT_TLS_PORT="${SURPLUS_MQTT_TLS_PORT:-8883}"
DYNSEC_PLUGIN="$(ls /usr/lib/*/mosquitto_dynamic_security.so 2>/dev/null | head -1 || true)"

# Percent-encode a URL's user or password part (ASCII).
urlencode() {
  local text="$1" out="" char i
  for ((i = 0; i < ${#text}; i++)); do
    char="${text:i:1}"
    case "$char" in
      [a-zA-Z0-9._~-]) out+="$char" ;;
      *) printf -v char '%%%02X' "'$char"; out+="$char" ;;
    esac
  done
  printf '%s' "$out"
}

mosquitto_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$MQTT_PORT") 2>/dev/null; }

make_certificates() {
  [[ -f "$MQTT_DIR/server.crt" ]] && return 0
  command -v openssl >/dev/null || apt_install openssl
  log "making a test CA and a certificate for 127.0.0.1 in $MQTT_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=surplus test CA" \
    -keyout "$MQTT_DIR/ca.key" -out "$MQTT_DIR/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$MQTT_DIR/server.key" -out "$MQTT_DIR/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$MQTT_DIR/san.ext"
  openssl x509 -req -in "$MQTT_DIR/server.csr" -CA "$MQTT_DIR/ca.crt" -CAkey "$MQTT_DIR/ca.key" \
    -CAcreateserial -days 3650 -extfile "$MQTT_DIR/san.ext" -out "$MQTT_DIR/server.crt" 2>/dev/null
}

init_dynsec() {
  mkdir -p "$MQTT_DIR"
  make_certificates
  if [[ ! -f "$MQTT_DIR/dynamic-security.json" ]]; then
    log "creating the broker's admin account $MQTT_USER"
    mosquitto_ctrl dynsec init "$MQTT_DIR/dynamic-security.json" "$MQTT_USER" "$MQTT_PASSWORD" >&2
  fi
  chown -R mosquitto: "$MQTT_DIR" 2>/dev/null || true
  chmod 700 "$MQTT_DIR"
  chmod 600 "$MQTT_DIR/dynamic-security.json"
  cat >"$MQTT_DIR/mosquitto.conf" <<CONF
per_listener_settings false
listener $MQTT_PORT 127.0.0.1
allow_anonymous false
max_queued_messages 100000
plugin $DYNSEC_PLUGIN
plugin_opt_config_file $MQTT_DIR/dynamic-security.json
listener $MQTT_TLS_PORT 127.0.0.1
cafile $MQTT_DIR/ca.crt
certfile $MQTT_DIR/server.crt
keyfile $MQTT_DIR/server.key
CONF
}

start_mosquitto() {
  if mosquitto_listening && [[ ! -f "$MQTT_DIR/dynamic-security.json" ]]; then
    log "a broker this script did not set up listens on port $MQTT_PORT: it may not know" \
      "$MQTT_USER; stop it and run again, or set SURPLUS_MQTT_PORT"
  fi
  if ! mosquitto_listening; then
    command -v mosquitto >/dev/null || { log "installing Mosquitto"; apt_install mosquitto; }
    [[ -n "$DYNSEC_PLUGIN" ]] || DYNSEC_PLUGIN="$(ls /usr/lib/*/mosquitto_dynamic_security.so | head -1)"
    init_dynsec
    log "starting Mosquitto on 127.0.0.1:$MQTT_PORT (dynamic security, no anonymous clients)"
    mosquitto -d -c "$MQTT_DIR/mosquitto.conf" >&2
    for _ in $(seq 1 20); do
      mosquitto_listening && break
      sleep 0.5
    done
  fi
  local account
  account="$(urlencode "$MQTT_USER"):$(urlencode "$MQTT_PASSWORD")"
  echo "export SURPLUS_MQTT_URL=mqtt://$account@127.0.0.1:$MQTT_PORT"
  echo "export SURPLUS_TEST_MQTT_TLS_URL=mqtts://$account@127.0.0.1:$MQTT_TLS_PORT"
  echo "export SURPLUS_TEST_MQTT_CA_FILE=$MQTT_DIR/ca.crt"
}

main() {
  need_root
  install_postgres
  start_postgres
  create_postgres_role_and_database
  print_exports
  start_mosquitto
}

main "$@"
