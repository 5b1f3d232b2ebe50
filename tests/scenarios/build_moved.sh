#!/bin/sh
# build_moved.sh TOP -- a build folder configured for another checkout (the tree was copied or
# moved) is configured afresh by tools/build, where CMake alone refuses it.
set -u
top=$1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
printf 'CMAKE_HOME_DIRECTORY:INTERNAL=/old/checkout\nCMAKE_CACHEFILE_DIR:INTERNAL=/old/checkout/build\n' \
    > "$dir/CMakeCache.txt"
mkdir "$dir/CMakeFiles"
if cmake -S "$top" -B "$dir" >/dev/null 2>&1; then
    echo "FAIL: cmake alone accepted the other checkout's cache (the case is not shown)"; exit 1
fi
said=$("$top/tools/build" "$dir" --configure-only -DEDGESIM_NS3=OFF 2>&1) || { echo "FAIL: $said"; exit 1; }
echo "$said"
echo "$said" | grep -q "was configured for /old/checkout (in /old/checkout/build): configuring it afresh" ||
    { echo "FAIL: it did not say why it configured afresh"; exit 1; }
grep -q "^CMAKE_HOME_DIRECTORY:INTERNAL=$top\$" "$dir/CMakeCache.txt" ||
    { echo "FAIL: the new cache is not this checkout's"; exit 1; }
echo "ok"
