#!/usr/bin/env bash
# A throwaway one-node Ceph cluster (1 monitor, 1 OSD, 1 RADOS Gateway) on 127.0.0.1, for tests
# and benchmarks. Needs the Debian packages ceph-mon ceph-osd radosgw ceph-common.
#
#   ceph-rgw.sh start <dir> <port>   start it with its state under <dir>; S3 answers on 127.0.0.1:<port>
#   ceph-rgw.sh stop <dir>           stop every daemon started under <dir> and delete <dir>
#
# S3 credentials: access key $CEPH_RGW_ACCESS_KEY, secret key $CEPH_RGW_SECRET_KEY (defaults below).
# The OSD uses BlueStore on a sparse file: memory stays flat however much is written (MemStore keeps
# every object, overwritten ones included, in RAM), and only the bytes written take disk space.
set -euo pipefail

ACCESS_KEY=${CEPH_RGW_ACCESS_KEY:-modelreg-test-access}
SECRET_KEY=${CEPH_RGW_SECRET_KEY:-modelreg-test-secret-0123456789abcdef}
BLOCK_SIZE=${CEPH_RGW_BLOCK_SIZE:-64G}
START_TIMEOUT_S=${CEPH_RGW_START_TIMEOUT_S:-90}
RGW_POOLS=(.rgw.root default.rgw.log default.rgw.control default.rgw.meta default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec)

usage() {
  echo "usage: $0 start <dir> <port> | stop <dir>" >&2
  exit 2
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

write_config() {
  local dir=$1 port=$2 mon_port=$3
  cat >"$dir/ceph.conf" <<EOF
[global]
fsid = $(cat /proc/sys/kernel/random/uuid)
mon host = [v2:127.0.0.1:$mon_port]
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
# radosgw asks for the "secure" connection mode to the monitor, which needs cephx: allow crc.
ms mon client mode = crc secure
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
# A nearly full disk must not stop the monitor in the middle of a test run.
mon data avail warn = 1
mon data avail crit = 0
# Commit monitor changes at once instead of batching them for a second: bootstrap in seconds.
paxos propose interval = 0.01
paxos min wait = 0.01
run dir = $dir/run
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log to stderr = false
err to stderr = false

[mon]
mon data = $dir/mon

[osd]
osd data = $dir/osd
osd objectstore = bluestore
# Outside the OSD folder: a block file at <osd data>/block loops onto the symlink mkfs creates there.
bluestore block path = $dir/osd-block
bluestore block create = true
bluestore block size = $BLOCK_SIZE
osd memory target = 939524096

[client.rgw.test]
rgw data = $dir/rgw
# Without tcp_nodelay every small response waits ~40 ms for delayed ACKs.
rgw frontends = beast endpoint=127.0.0.1:$port tcp_nodelay=1
# Reclaim deleted and overwritten data within a minute (default 2 h) so benchmarks do not fill the disk.
rgw gc obj min wait = 60
rgw gc processor period = 60
EOF
}

# Starts a daemon in the foreground as a background job (in daemon mode the OSD was seen to vanish).
spawn() {
  local dir=$1 name=$2
  shift 2
  "$@" -f -c "$dir/ceph.conf" >>"$dir/log/$name.out" 2>&1 &
  echo $! >"$dir/pids/$name"
}

wait_for() {
  local what=$1 dir=$2
  shift 2
  local deadline=$((SECONDS + START_TIMEOUT_S))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "ceph-rgw: $what did not come up within ${START_TIMEOUT_S}s; logs in $dir/log" >&2
      tail -n 20 "$dir"/log/*.out >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

start() {
  local dir=$1 port=$2
  for tool in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph python3; do
    command -v "$tool" >/dev/null || {
      echo "ceph-rgw: $tool not found; install it with: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common" >&2
      exit 1
    }
  done
  mkdir -p "$dir"/{run,log,pids,mon,osd,rgw}
  local mon_port
  mon_port=$(free_port)
  write_config "$dir" "$port" "$mon_port"
  local ceph=(ceph -c "$dir/ceph.conf" --connect-timeout 10)

  local fsid
  fsid=$(awk '/^fsid/ {print $3}' "$dir/ceph.conf")
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$dir/monmap" -c "$dir/ceph.conf" >>"$dir/log/mkfs.out" 2>&1
  spawn "$dir" mon ceph-mon -i a
  wait_for monitor "$dir" "${ceph[@]}" mon stat

  "${ceph[@]}" osd create >/dev/null
  ceph-osd -i 0 --mkfs -c "$dir/ceph.conf" >>"$dir/log/mkfs.out" 2>&1
  spawn "$dir" osd ceph-osd -i 0
  for pool in "${RGW_POOLS[@]}"; do
    "${ceph[@]}" osd pool create "$pool" 8 8 >/dev/null 2>&1
    "${ceph[@]}" osd pool application enable "$pool" rgw >/dev/null 2>&1
  done
  wait_for OSD "$dir" bash -c "${ceph[*]} osd stat | grep -q '1 up'"

  spawn "$dir" rgw radosgw -n client.rgw.test
  wait_for "radosgw on port $port" "$dir" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
  radosgw-admin -c "$dir/ceph.conf" -n client.rgw.test user create --uid=modelreg-test --display-name=modelreg-test \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
  echo "ceph-rgw: S3 on http://127.0.0.1:$port (state in $dir)"
}

stop() {
  local dir=$1
  [[ -d $dir/pids ]] || return 0
  local pids=() name pid
  for name in rgw osd mon; do
    [[ -f $dir/pids/$name ]] && pids+=("$(cat "$dir/pids/$name")")
  done
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  local deadline=$((SECONDS + 10))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}

case ${1:-} in
  start) [[ $# -eq 3 ]] || usage; start "$2" "$3" ;;
  stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
  *) usage ;;
esac
