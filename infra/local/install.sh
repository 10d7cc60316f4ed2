#!/usr/bin/env bash
# Idempotent set-up of everything the project needs on a fresh Debian bookworm machine.
# Each step checks first and is skipped when already done, so a second run is fast.
#   infra/local/install.sh [--no-apt] [--no-npm] [--no-build] [--no-kafka] [--no-venv]
# Steps: Debian packages -> Node check -> npm ci -> npm run build -> Kafka jars (mvn) -> Python venv.
set -euo pipefail

COMPONENT=install
# shellcheck source=infra/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

KAFKA_VERSION=3.9.1 # must match <kafka.version> in infra/local/kafka/pom.xml
SCALA_BINARY=2.13
NODE_MIN=20.19.0 # package.json "engines"

APT_PACKAGES=(
  ca-certificates curl procps iproute2 git jq openssl
  build-essential python3 python3-venv python3-pip # native npm modules (cap), venv
  openjdk-17-jdk-headless maven                    # Kafka broker + tools, jar resolution
  libpcap-dev tshark tcpdump                       # capture
  clickhouse-server clickhouse-client              # alert/flow store
)
# Reference tools from bookworm-backports (Suricata left bookworm proper): the signature engine's
# oracle in tests and its reference in `make bench`.
BACKPORTS_PACKAGES=(suricata)
BACKPORTS_SOURCE=/etc/apt/sources.list.d/ids-bookworm-backports.sources

KAFKA_POM="$INFRA_DIR/kafka/pom.xml"
KAFKA_LIBS="$LOCAL_DIR/kafka/libs"
VENV="$LOCAL_DIR/venv"
REQUIREMENTS=("$INFRA_DIR/requirements.txt" "$REPO_ROOT/models/training/requirements.txt")
STAMPS="$LOCAL_DIR/stamps"

DO_APT=1 DO_NPM=1 DO_BUILD=1 DO_KAFKA=1 DO_VENV=1

parse_args() {
  local a
  for a in "$@"; do
    case $a in
    --no-apt) DO_APT=0 ;;
    --no-npm) DO_NPM=0 ;;
    --no-build) DO_BUILD=0 ;;
    --no-kafka) DO_KAFKA=0 ;;
    --no-venv) DO_VENV=0 ;;
    -h | --help)
      sed -n '2,5p' "$0"
      exit 0
      ;;
    *) die "unknown option: $a" ;;
    esac
  done
}

sha_of() {
  cat "$@" | sha256sum | cut -d' ' -f1
}

# --- Debian packages ---------------------------------------------------------

apt_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

ensure_backports_source() {
  [[ -f $BACKPORTS_SOURCE ]] && return 0
  grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
  log "apt: adding bookworm-backports ($BACKPORTS_SOURCE)"
  printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
    'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
    as_root tee "$BACKPORTS_SOURCE" >/dev/null
}

install_apt_packages() {
  local missing=() backports=() p
  for p in "${APT_PACKAGES[@]}"; do
    apt_installed "$p" || missing+=("$p")
  done
  for p in "${BACKPORTS_PACKAGES[@]}"; do
    apt_installed "$p" || backports+=("$p")
  done
  if ((${#missing[@]} == 0 && ${#backports[@]} == 0)); then
    log "apt: all $((${#APT_PACKAGES[@]} + ${#BACKPORTS_PACKAGES[@]})) packages present"
    return 0
  fi
  ((${#backports[@]} == 0)) || ensure_backports_source
  log "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | as_root debconf-set-selections 2>/dev/null || true
  # APT::Sandbox::User=root: on machines whose /tmp is not world-writable, the _apt sandbox user
  # cannot create apt-key's temporary file and every repository fails its signature check.
  local apt_opts=(-o APT::Sandbox::User=root)
  as_root apt-get "${apt_opts[@]}" update -q
  as_root apt-get "${apt_opts[@]}" install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
  if ((${#backports[@]} > 0)); then
    log "apt: installing ${backports[*]} from bookworm-backports"
    as_root apt-get "${apt_opts[@]}" install -y -q --no-install-recommends -t bookworm-backports \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${backports[@]}"
  fi
}

# --- Node / npm ----------------------------------------------------------------

version_ge() { # $1 >= $2 (dotted versions)
  [[ $(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1) == "$2" ]]
}

check_node() {
  { command -v node && command -v npm; } >/dev/null ||
    die "node/npm not found; this project needs Node >= $NODE_MIN (Debian's nodejs is too old)"
  local v
  v=$(node -p 'process.versions.node')
  version_ge "$v" "$NODE_MIN" || die "Node $v is too old; need >= $NODE_MIN"
  log "node: $v"
}

install_npm_deps() {
  cd "$REPO_ROOT"
  # npm writes node_modules/.package-lock.json last, so it is our stamp. A changed patch of a
  # dependency (patches/, applied by patch-package in postinstall) needs the install again too.
  local patched=""
  [[ -f node_modules/.package-lock.json ]] && patched=$(find patches -newer node_modules/.package-lock.json -name '*.patch' -print -quit 2>/dev/null || true)
  if [[ -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json && -z $patched ]]; then
    log "npm: node_modules up to date"
    return 0
  fi
  # Not `npm ci`: npm 11 leaves other platforms' optional binaries (@swc/core-*, napi resolver
  # bindings) out of the lockfile it writes, then `npm ci` rejects that same lockfile as out of
  # sync (npm/cli#4828). `npm install --no-save` installs the locked versions and leaves the
  # lockfile untouched.
  log "npm: npm install --no-save from package-lock.json (ONNXRUNTIME_NODE_INSTALL=skip)"
  export ONNXRUNTIME_NODE_INSTALL=skip
  npm install --no-save --no-audit --no-fund || die "npm install failed (errors above)"
}

build_project() {
  cd "$REPO_ROOT"
  local stamp="$STAMPS/build" newer=""
  if [[ -d dist && -f $stamp ]]; then
    newer=$(find apps libs test bin tsconfig.json tsconfig.build.json package-lock.json \
      -newer "$stamp" \( -name '*.ts' -o -name '*.json' -o -name '*.js' \) -print -quit 2>/dev/null || true)
    if [[ -z $newer ]]; then
      log "build: dist up to date"
      return 0
    fi
    log "build: $newer changed"
  fi
  log "build: npm run build"
  mkdir -p "$STAMPS"
  touch "$stamp.new"
  npm run build || die "npm run build failed (errors above); fix them, or rerun with --no-build"
  mv "$stamp.new" "$stamp"
}

# --- Kafka jars ----------------------------------------------------------------

install_kafka_jars() {
  local want stamp="$KAFKA_LIBS/.pom.sha256" jar="$KAFKA_LIBS/kafka_$SCALA_BINARY-$KAFKA_VERSION.jar"
  want=$(sha_of "$KAFKA_POM")
  if [[ -f $jar && -f $stamp && $(<"$stamp") == "$want" ]]; then
    log "kafka: jars for Kafka $KAFKA_VERSION present in $KAFKA_LIBS"
    return 0
  fi
  grep -q "<kafka.version>$KAFKA_VERSION</kafka.version>" "$KAFKA_POM" ||
    die "KAFKA_VERSION=$KAFKA_VERSION in install.sh does not match $KAFKA_POM"
  log "kafka: resolving Kafka $KAFKA_VERSION (Scala $SCALA_BINARY) jars from Maven Central"
  local t0=$SECONDS tmp="$KAFKA_LIBS.tmp"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$KAFKA_LIBS")"
  local mvn_log="$LOCAL_DIR/kafka/mvn.log"
  if ! mvn -B -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
    -DoutputDirectory="$tmp" >"$mvn_log" 2>&1; then
    COMPONENT=install log_tail "$mvn_log" 40
    die "mvn dependency:copy-dependencies failed (full log: $mvn_log)"
  fi
  [[ -f $tmp/kafka_$SCALA_BINARY-$KAFKA_VERSION.jar ]] || die "mvn did not produce kafka_$SCALA_BINARY-$KAFKA_VERSION.jar"
  local got
  got=$(java -cp "$tmp/*" kafka.Kafka --version 2>/dev/null | tail -n1)
  [[ $got == "$KAFKA_VERSION" ]] || die "kafka.Kafka --version printed '$got', expected $KAFKA_VERSION"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  printf '%s' "$want" >"$stamp"
  log "kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $KAFKA_LIBS ($((SECONDS - t0))s)"
}

# --- Python venv -----------------------------------------------------------------

install_venv() {
  local stamp="$VENV/.requirements.sha256" want py
  py=$(command -v python3) || die "python3 not found"
  want=$(printf '%s %s' "$(sha_of "${REQUIREMENTS[@]}")" "$("$py" -c 'import sys; print(sys.version)')" | sha256sum | cut -d' ' -f1)
  if [[ -x $VENV/bin/python && -f $stamp && $(<"$stamp") == "$want" ]] && "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
    log "venv: $VENV up to date"
    return 0
  fi
  if ! [[ -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
    log "venv: creating $VENV with $("$py" --version)"
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
  fi
  local args=() r
  for r in "${REQUIREMENTS[@]}"; do args+=(-r "$r"); done
  log "venv: pip install ${args[*]}"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${args[@]}"
  "$VENV/bin/python" -c 'from confluent_kafka.schema_registry import SchemaRegistryClient; from confluent_kafka.schema_registry.avro import AvroSerializer'
  "$VENV/bin/python" -c 'import onnxruntime, onnx, skl2onnx, onnxmltools, lightgbm, sklearn, matplotlib'
  printf '%s' "$want" >"$stamp"
  log "venv: ready"
}

main() {
  parse_args "$@"
  local t0=$SECONDS
  mkdir -p "$LOCAL_DIR" "$STAMPS"
  ((DO_APT)) && install_apt_packages
  # The traffic lab's services and tools (its smoke run is part of `make test`).
  ((DO_APT)) && bash "$REPO_ROOT/tools/lab/install.sh"
  if ((DO_NPM || DO_BUILD)); then check_node; fi
  ((DO_NPM)) && install_npm_deps
  ((DO_BUILD)) && build_project
  ((DO_KAFKA)) && install_kafka_jars
  ((DO_VENV)) && install_venv
  log "done in $((SECONDS - t0))s"
}

main "$@"
