#!/usr/bin/env bash
# Start (or stop) a ClamAV daemon for uploads to be scanned, listening on $CLAMAV_SOCKET.
#
#   scripts/clamd.sh start   install clamav-daemon when missing, start clamd unless one answers
#   scripts/clamd.sh stop    stop the clamd this script started
#
# Its signature database is the one made here with sigtool (the EICAR test file and the project's
# own test signature), plus the distribution's signatures when freshclam has fetched any. A
# production deployment runs Debian's clamav-daemon with freshclam and points CLAMAV_SOCKET at it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data_dir="${DATA_DIR:-$root/var}"
dir="$data_dir/clamav"
socket="${CLAMAV_SOCKET:-$dir/clamd.sock}"
pidfile="$dir/clamd.pid"

answers() {
  python3 - "$socket" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
try:
    s.connect(sys.argv[1]); s.sendall(b"zPING\0")
    sys.exit(0 if s.recv(16).startswith(b"PONG") else 1)
except OSError:
    sys.exit(1)
EOF
}

case "${1:-start}" in
stop)
  if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi
  exit 0
  ;;
start) ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

if answers; then exit 0; fi
if ! command -v clamd >/dev/null 2>&1 && [ ! -x /usr/sbin/clamd ]; then
  bash "$root/scripts/apt-install.sh" clamav-daemon clamav
fi
clamd_bin="$(command -v clamd || echo /usr/sbin/clamd)"
if [ ${#socket} -gt 100 ]; then
  echo "CLAMAV_SOCKET is longer than a Unix socket path may be: $socket" >&2
  exit 1
fi

mkdir -p "$dir/db" "$dir/tmp" "$(dirname "$socket")"
# The test signatures: EICAR by its hash and by its content, and the project's test marker by its
# content, so that a marker hidden inside an otherwise valid PDF is found too.
eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!H+H*'
marker='SUNDHEDSKOORDINATOR-MALWARE-TESTSIGNATUR'
printf '%s' "$eicar" >"$dir/tmp/eicar.com"
(cd "$dir/tmp" && sigtool --sha256 eicar.com) >"$dir/db/test.hsb"
{
  echo "Sundhedskoordinator.Test.EICAR:0:*:$(printf '%s' "$eicar" | sigtool --hex-dump)"
  echo "Sundhedskoordinator.Test.Marker:0:*:$(printf '%s' "$marker" | sigtool --hex-dump)"
} >"$dir/db/test.ndb"
rm -f "$dir/tmp/eicar.com"
for sigs in /var/lib/clamav/*.cvd /var/lib/clamav/*.cld; do
  [ -e "$sigs" ] && ln -sf "$sigs" "$dir/db/"
done

# The limits are above the upload inspection's (documents/inspection.py: 100 MB unpacked, 1,000
# parts, archives two deep), so a file the inspection lets through is scanned whole. Should one
# still reach a limit, AlertExceedsMax makes the daemon say so (Heuristics.Limits.Exceeded)
# instead of answering OK for the part it read, and the upload is refused; encrypted archives and
# Office macros, which it cannot see into or which run, are reported as findings too.
cat >"$dir/clamd.conf" <<EOF
LocalSocket $socket
FixStaleSocket yes
DatabaseDirectory $dir/db
TemporaryDirectory $dir/tmp
PidFile $pidfile
LogFile $dir/clamd.log
Foreground yes
StreamMaxLength 64M
MaxFileSize 128M
MaxScanSize 256M
MaxRecursion 8
MaxFiles 2000
AlertExceedsMax yes
AlertEncryptedArchive yes
AlertOLE2Macros yes
EOF
if [ "$(id -u)" -eq 0 ]; then echo "User root" >>"$dir/clamd.conf"; fi

nohup "$clamd_bin" --config-file="$dir/clamd.conf" >/dev/null 2>&1 &
echo $! >"$pidfile"
for _ in $(seq 1 120); do
  if answers; then echo "clamd answers on $socket"; exit 0; fi
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then break; fi
  sleep 0.5
done
echo "clamd did not start; see $dir/clamd.log" >&2
tail -n 20 "$dir/clamd.log" >&2 || true
exit 1
