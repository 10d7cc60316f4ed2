# shellcheck shell=bash
# Services of the lab's server namespace: nginx (HTTP, basic auth, HTTPS with a certificate made
# now, reverse proxy to the app), the python app, sshd, vsftpd, dnsmasq (authoritative for
# lab.test) and the RDP stand-in on 3389. Every instance runs with its own config, pid and log
# files under $LAB_TMP, inside the server namespace. Sourced by run.sh.

LAB_USER=idslab
LAB_PASS=labpass
LAB_ZONE=lab.test
LAB_PY=/usr/bin/python3 # Debian's python: python3-scapy lives there, not in pyenv shims

SRV_DIR= # set by services_up
CREATED_USER=0
CREATED_RUN_SSHD=0

# Starts "$@" detached in namespace $ns, output appended to $log.
start_in_ns() {
  local ns=$1 log=$2
  shift 2
  setsid ip netns exec "$ns" "$@" >>"$log" 2>&1 </dev/null 9>&- &
}

make_user() {
  # sshd and vsftpd authenticate against the host's account database (namespaces share the
  # filesystem), so the lab needs a real account. It is created here and removed by cleanup.
  if ! id "$LAB_USER" >/dev/null 2>&1; then
    useradd -M -d "$SRV_DIR/home" -s /bin/bash -c 'ids traffic lab (temporary)' "$LAB_USER"
    CREATED_USER=1
  else
    usermod -d "$SRV_DIR/home" "$LAB_USER"
    CREATED_USER=1 # left over from an interrupted run: ours, so remove it at the end too
  fi
  echo "$LAB_USER:$LAB_PASS" | chpasswd
  mkdir -p "$SRV_DIR/home"
  head -c 3000 /dev/urandom | base64 >"$SRV_DIR/home/readme.txt"
  chown -R "$LAB_USER:" "$SRV_DIR/home"
}

write_nginx_conf() {
  local d=$SRV_DIR/nginx
  mkdir -p "$d/html/static" "$d/html/private" "$d/tmp"
  printf '<html><body><h1>lab.test</h1><a href="/static/about.html">about</a></body></html>\n' >"$d/html/index.html"
  head -c 30000 /dev/urandom | base64 | sed 's/^/<p>/' >"$d/html/static/about.html"
  printf '<p>private area</p>\n' >"$d/html/private/index.html"
  # Pages and assets of varied sizes for the benign browsers (benign.sh picks among them).
  local n
  for n in 300 900 2000 4500 9000 16000; do
    head -c $((n * 3 / 4)) /dev/urandom | base64 -w 76 | sed 's/^/<p>/' >"$d/html/static/page-$n.html"
  done
  for n in 1200 6000 14000; do head -c "$n" /dev/urandom >"$d/html/static/img-$n.png"; done
  printf 'body{margin:0;font-family:sans-serif}\n%.0s' {1..40} >"$d/html/static/site.css"
  printf 'console.log("lab");\n%.0s' {1..120} >"$d/html/static/app.js"
  htpasswd -bc "$d/htpasswd" admin "$LAB_PASS" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=www.$LAB_ZONE" \
    -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null
  cat >"$d/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
user root;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log $d/access.log;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  keepalive_timeout 20s;
  server {
    listen $SRV_IP:80;
    listen $SRV_IP:443 ssl;
    server_name www.$LAB_ZONE;
    ssl_certificate $d/cert.pem;
    ssl_certificate_key $d/key.pem;
    root $d/html;
    location /private/ { auth_basic "lab"; auth_basic_user_file $d/htpasswd; }
    location /app { proxy_pass http://127.0.0.1:8080; }
  }
}
EOF
}

write_sshd_conf() {
  local d=$SRV_DIR/sshd
  mkdir -p "$d"
  ssh-keygen -q -t ed25519 -N '' -f "$d/host_ed25519" </dev/null
  cat >"$d/sshd_config" <<EOF
ListenAddress $SRV_IP
Port 22
HostKey $d/host_ed25519
PidFile $d/sshd.pid
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin no
StrictModes no
MaxStartups 50:30:100
AllowUsers $LAB_USER
Subsystem sftp internal-sftp
EOF
}

write_vsftpd_conf() {
  local d=$SRV_DIR/vsftpd
  mkdir -p "$d/empty"
  chmod 755 "$d/empty"
  cat >"$d/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=$SRV_IP
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
pam_service_name=vsftpd
secure_chroot_dir=$d/empty
pasv_enable=YES
pasv_min_port=40000
pasv_max_port=40100
seccomp_sandbox=NO
xferlog_enable=YES
vsftpd_log_file=$d/vsftpd.log
EOF
}

services_up() {
  local ns
  ns=$(ns_name srv)
  SRV_DIR=$LAB_TMP/srv
  mkdir -p "$SRV_DIR"
  make_user
  write_nginx_conf
  write_sshd_conf
  write_vsftpd_conf
  if [[ ! -d /run/sshd ]]; then # sshd's privilege separation directory (systemd makes it on a booted host)
    mkdir -p /run/sshd
    CREATED_RUN_SSHD=1
  fi
  start_in_ns "$ns" "$SRV_DIR/app.log" "$LAB_PY" "$LAB_DIR/py/app.py" 127.0.0.1 8080
  start_in_ns "$ns" "$SRV_DIR/nginx.log" nginx -c "$SRV_DIR/nginx/nginx.conf" -p "$SRV_DIR/nginx"
  start_in_ns "$ns" "$SRV_DIR/sshd.log" /usr/sbin/sshd -D -f "$SRV_DIR/sshd/sshd_config" -E "$SRV_DIR/sshd/sshd.log"
  start_in_ns "$ns" "$SRV_DIR/vsftpd.log" vsftpd "$SRV_DIR/vsftpd/vsftpd.conf"
  # A long TXT record makes the ANY/TXT answers several times the query size: the amplification.
  local txt i
  txt=$(for ((i = 0; i < 6; i++)); do printf '"v=lab%02d %s",' "$i" "$(head -c 140 /dev/zero | tr '\0' 'k')"; done)
  start_in_ns "$ns" "$SRV_DIR/dnsmasq.log" dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
    --user=root --group=root --pid-file="$SRV_DIR/dnsmasq.pid" \
    --listen-address="$SRV_IP" --bind-interfaces --port=53 --edns-packet-max=4096 \
    --auth-server="ns1.$LAB_ZONE,$SRV_IP" --auth-zone="$LAB_ZONE" --auth-soa=2026112101,hostmaster.$LAB_ZONE \
    --host-record="www.$LAB_ZONE,$SRV_IP" --host-record="ns1.$LAB_ZONE,$SRV_IP" \
    --host-record="ftp.$LAB_ZONE,$SRV_IP" --host-record="$LAB_ZONE,$SRV_IP" \
    --mx-host="$LAB_ZONE,mail.$LAB_ZONE,10" --host-record="mail.$LAB_ZONE,$SRV_IP" \
    --txt-record="$LAB_ZONE,${txt%,}" --txt-record="big.$LAB_ZONE,${txt%,}" --host-record="big.$LAB_ZONE,$SRV_IP"
  start_in_ns "$ns" "$SRV_DIR/rdp.log" "$LAB_PY" "$LAB_DIR/py/rdp_standin.py" "$SRV_IP" 3389
  wait_ports "$ns" 80 443 22 21 53 3389 8080
}

# Waits (bounded) until every TCP port in $2.. listens inside namespace $1.
wait_ports() {
  local ns=$1 p i
  shift
  for p in "$@"; do
    for ((i = 0; i < 100; i++)); do
      [[ -n $(inns "$ns" ss -Hltn "sport = :$p") ]] && break
      sleep 0.1
    done
    [[ -n $(inns "$ns" ss -Hltn "sport = :$p") ]] || {
      tail -n 20 "$SRV_DIR"/*.log "$SRV_DIR"/*/*.log >&2 2>/dev/null || true
      die "service on port $p did not start in $ns"
    }
  done
}

services_cleanup() {
  if ((CREATED_USER)); then
    userdel "$LAB_USER" 2>/dev/null || true
    CREATED_USER=0
  fi
  if ((CREATED_RUN_SSHD)); then
    rmdir /run/sshd 2>/dev/null || true
    CREATED_RUN_SSHD=0
  fi
}
