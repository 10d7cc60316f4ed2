#!/usr/bin/env bash
# Installs what the benchmark references need, idempotently (`make bench` runs it after `make setup`):
#   - NFStream and its dependencies (infra/local/requirements-bench.txt) into .local/venv, with
#     infra/local/requirements.txt as constraints; skipped while the stamp in the venv matches;
#   - Argus (Debian argus-server, argus-client: a C flow meter and its record reader), with its
#     system service disabled: the bench runs argus on a file, nothing should capture live.
# A reference that cannot be installed is reported and left out of the figures; it does not stop
# the bench.
set -euo pipefail

COMPONENT=bench-setup
# shellcheck source=infra/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../infra/local" && pwd)/lib.sh"

VENV="$LOCAL_DIR/venv"
REQUIREMENTS="$INFRA_DIR/requirements-bench.txt"
CONSTRAINTS="$INFRA_DIR/requirements.txt"
STAMP="$VENV/.requirements-bench.sha256"
APT_PACKAGES=(argus-server argus-client)

install_venv_packages() {
  [[ -x $VENV/bin/python ]] || die "no venv at $VENV: run 'make setup' first"
  local want
  want=$(printf '%s %s %s' "$(sha256sum <"$REQUIREMENTS")" "$(sha256sum <"$CONSTRAINTS")" "$("$VENV/bin/python" -c 'import sys; print(sys.version)')" | sha256sum | cut -d' ' -f1)
  if [[ -f $STAMP && $(<"$STAMP") == "$want" ]] && "$VENV/bin/python" -c 'import nfstream' 2>/dev/null; then
    log "venv: bench packages up to date"
    return 0
  fi
  log "venv: pip install -r $REQUIREMENTS -c $CONSTRAINTS"
  if ! "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQUIREMENTS" -c "$CONSTRAINTS"; then
    warn "pip install failed: the bench will run without NFStream (tshark conversations instead)"
    return 0
  fi
  if ! "$VENV/bin/python" -c 'from nfstream import NFStreamer' ; then
    warn "nfstream does not import: the bench will run without it (tshark conversations instead)"
    return 0
  fi
  printf '%s' "$want" >"$STAMP"
  log "venv: $("$VENV/bin/python" -c 'import nfstream; print("nfstream", nfstream.__version__)') ready"
}

apt_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_argus() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    apt_installed "$p" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "apt: ${APT_PACKAGES[*]} present"
  else
    log "apt: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # The package starts a live-capture daemon where systemd runs; the bench only reads files,
    # so the unit is masked before it can start.
    if [[ -d /run/systemd/system ]]; then
      log "systemd: masking argus.service (the bench runs argus on files only)"
      as_root systemctl mask argus.service || warn "could not mask argus.service"
    fi
    if ! { as_root apt-get update -q && as_root apt-get install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"; }; then
      warn "could not install ${missing[*]}: the bench will run without the Argus reference"
      return 0
    fi
  fi
  if [[ -d /run/systemd/system ]] && { systemctl is-enabled --quiet argus.service || systemctl is-active --quiet argus.service; } 2>/dev/null; then
    log "systemd: stopping and disabling argus.service (the bench runs argus on files only)"
    as_root systemctl disable --now argus.service || warn "could not disable argus.service"
  fi
}

install_venv_packages
install_argus
