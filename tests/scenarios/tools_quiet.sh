#!/bin/sh
# tools_quiet.sh TOP -- tools/deps and tools/build say one line per phase and keep the tools'
# own output in their log files. apt-get, dpkg-query and cmake are stand-ins first in PATH here
# (hundreds of lines of output, apt's status lines on the fd APT::Status-Fd names, make's
# "[ NN%]" lines), so nothing is installed or built. tools/deps installs only as root: 127 else.
set -u
top=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: tools/deps installs as root only"; exit 127; }
fake=$(mktemp -d) || exit 1
trap 'rm -rf "$fake"' EXIT
cat > "$fake/dpkg-query" <<'SH'
#!/bin/sh
case "$*" in *chromium*|*cmake*) echo "unknown ok not-installed" ;; *) echo "install ok installed" ;; esac
SH
cat > "$fake/apt-get" <<'SH'
#!/bin/sh
fd=$(printf '%s\n' "$@" | sed -n 's/^APT::Status-Fd=//p')
i=0
while [ $i -lt 300 ]; do echo "Get:$i http://deb.debian.org/debian bookworm/main noise $i"; i=$((i + 1)); done
for p in 0 50 100; do echo "pmstatus:chromium:$p:Installing chromium" >&"$fd"; done
SH
cat > "$fake/cmake" <<'SH'
#!/bin/sh
case "$1" in
--build) i=0; while [ $i -le 100 ]; do echo "[$(printf '%3d' $i)%] Building C object x$i.o"; echo "noise $i"; i=$((i + 10)); done ;;
*) echo "-- configuring"; echo "-- Build files have been written" ;;
esac
SH
chmod +x "$fake"/*
fail=0
said=$(PATH="$fake:$PATH" EDGESIM_DEPS_LOG="$fake/deps.log" "$top/tools/deps" 2>&1) || fail=1
printf '%s\n' "$said"
[ "$(printf '%s\n' "$said" | wc -l)" -eq 5 ] || { echo "FAIL: tools/deps said more than a line per phase"; fail=1; }
printf '%s\n' "$said" | grep -q "^deps: installing 2 package(s): done" || { echo "FAIL: no install line"; fail=1; }
[ "$(grep -c '^Get:' "$fake/deps.log")" -eq 600 ] || { echo "FAIL: apt's output is not in the log"; fail=1; }
said=$(PATH="$fake:$PATH" "$top/tools/build" "$fake/build" 2>&1) || fail=1
printf '%s\n' "$said"
[ "$(printf '%s\n' "$said" | wc -l)" -eq 2 ] || { echo "FAIL: tools/build said more than a line per phase"; fail=1; }
printf '%s\n' "$said" | grep -q "^build: compiled (.*; the compiler's output in $fake/build/build.log)" ||
    { echo "FAIL: no compile line"; fail=1; }
grep -q "^noise 100" "$fake/build/build.log" || { echo "FAIL: the compiler's output is not in the log"; fail=1; }
[ $fail -eq 0 ] && echo ok
exit $fail
