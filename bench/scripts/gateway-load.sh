#!/bin/bash
# One load window against one gateway, by hand, for experiments a side-by-side run cannot make
# (JVM options, thread priorities, perf). Needs a workspace made by SideBySide (--work DIR): its
# gateway home, client keys and compiled load client.
#
#   B=BUNDLE W=WORK [OPTS_FILE=jvm.options] [N=16] [WIN=1] [SIZE=64] [WARM=20] [SECS=10] [THREADS=1] \
#     bench/scripts/gateway-load.sh LABEL
#
# Copies the bundle and the home into /tmp/egw-load/LABEL (OPTS_FILE, if given, becomes the copy's
# conf/jvm.options), starts the gateway, loads it with N libzmq DEALERs keeping WIN requests in
# flight each, and prints the load client's RESULT line for the SECS window after WARM seconds, and
# the gateway's CPU per message over that window from /proc. THREADS=1 also writes each thread's
# CPU and context switches over the window to /tmp/egw-load/LABEL/threads.txt.
set -euo pipefail
label=$1; B=${B:?bundle folder}; W=${W:?SideBySide workspace}; N=${N:-16}; WIN=${WIN:-1}; SIZE=${SIZE:-64}
WARM=${WARM:-20}; SECS=${SECS:-10}; here=$(cd "$(dirname "$0")" && pwd)
out=/tmp/egw-load/$label; rm -rf "$out"; mkdir -p "$out"
cp -r "$B" "$out/bundle"
if [ -n "${OPTS_FILE:-}" ]; then cp "$OPTS_FILE" "$out/bundle/conf/jvm.options"; fi
cp -r "$W/gw-home" "$out/home"; chmod 700 "$out/home"
port=$((20000 + RANDOM % 20000))
export EGW_GATEWAY_ENDPOINT=tcp://127.0.0.1:$port EGW_ADMIN_PORT=0 EGW_PUBSUB_ENDPOINT=tcp://127.0.0.1:$((port + 1)) \
  EGW_WORKERS_ENDPOINT=tcp://127.0.0.1:$((port + 2)) EGW_ADMISSION_RATE_MESSAGES_PER_SECOND=10000000 \
  EGW_ADMISSION_RATE_BURST=100000000 EGW_ADMISSION_RATE_BYTES_PER_SECOND=100GiB EGW_ADMISSION_BAN_EXEMPT_LOOPBACK=true
"$out/bundle/bin/edge-gateway" --home "$out/home" run > "$out/gw.log" 2>&1 &
gpid=$!
trap 'kill $gpid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q "gateway: running" "$out/gw.log" && break; sleep 0.5; done
key=$(grep -o "server key .*" "$out/gw.log" | head -1 | awk '{print $3}')
coproc LOAD { "$W/bin/load" load "tcp://127.0.0.1:$port" "$key" "$W/clients.txt" 0 "$N" "$WIN" "$SIZE" -j 1; }
read -r line <&"${LOAD[0]}"; echo "client: $line"
now=$(date +%s%3N); st=$((now + WARM * 1000)); en=$((st + SECS * 1000))
echo "GO $st $en" >&"${LOAD[1]}"
tick=$(getconf CLK_TCK)
sleep "$(echo "($st - $(date +%s%3N)) / 1000" | bc -l)"
c0=$(awk '{print $14 + $15}' /proc/$gpid/stat)
if [ -n "${THREADS:-}" ]; then python3 "$here/threads.py" $gpid $((SECS - 1)) > "$out/threads.txt" & fi
sleep "$(echo "($en - $(date +%s%3N)) / 1000" | bc -l)"
c1=$(awk '{print $14 + $15}' /proc/$gpid/stat)
read -r res <&"${LOAD[0]}"; echo "$res"
replies=$(echo "$res" | grep -o "replies=[0-9]*" | cut -d= -f2)
echo "$label: gateway CPU $(((c1 - c0) * 1000000 / tick)) us, $(echo "scale=1; (($c1 - $c0) * 1000000 / $tick) / $replies" | bc) us per message"
echo QUIT >&"${LOAD[1]}" || true
kill $gpid 2>/dev/null || true
wait $gpid 2>/dev/null || true
