#!/usr/bin/env bash
# Installs the Debian packages the traffic lab needs, idempotently: each package is checked with
# dpkg-query first and apt runs only for the missing ones.
#   tools/lab/install.sh
# Services are NOT started on the host: a policy-rc.d that denies every start is in place while
# apt runs, and the lab later starts its own instances inside network namespaces.
set -euo pipefail

COMPONENT=lab-install
# shellcheck source=infra/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../infra/local" && pwd)/lib.sh"

LAB_PACKAGES=(
  iproute2 procps psmisc tcpdump tshark openssl coreutils  # namespaces, capture, certs
  nginx apache2-utils openssh-server openssh-client vsftpd dnsmasq-base python3  # services
  curl wget sshpass dnsutils ftp iputils-ping  # benign clients
  hping3 nmap hydra slowhttptest sqlmap python3-scapy  # attack tools
)

apt_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

main() {
  local missing=() p
  for p in "${LAB_PACKAGES[@]}"; do
    apt_installed "$p" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "all ${#LAB_PACKAGES[@]} packages present"
    return 0
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | as_root debconf-set-selections 2>/dev/null || true
  # policy-rc.d exit 101 = "action forbidden": package scripts do not start nginx/sshd/vsftpd on
  # the host. Removed again on exit only if we created it.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    created_policy=1
  fi
  # shellcheck disable=SC2064 # expand now: the flag is fixed at this point
  trap "[[ $created_policy == 1 ]] && as_root rm -f $policy" EXIT
  # APT::Sandbox::User=root: /tmp is not world-writable here, so the _apt sandbox user cannot
  # create apt-key's temporary file.
  local apt_opts=(-o APT::Sandbox::User=root)
  as_root apt-get "${apt_opts[@]}" update -q
  as_root apt-get "${apt_opts[@]}" install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
  log "installed ${#missing[@]} packages"
}

main "$@"
