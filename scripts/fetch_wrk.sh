#!/usr/bin/env bash
# Fetch the `wrk` HTTP load generator (Debian's wrk 4.1.0 + LuaJIT) into .marketgraph/tools/wrk
# without root: `apt-get download` + `dpkg -x`, and a wrapper that sets LD_LIBRARY_PATH.
# Benchmarks only (bench/api_bench.py --driver wrk); tests and CI never need it. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

DEST="${MARKETGRAPH_WRK_DIR:-.marketgraph/tools/wrk}"
if [ -x "$DEST/wrk" ] && { "$DEST/wrk" -v 2>&1 || true; } | grep -q '^wrk'; then
  echo "wrk already at $DEST/wrk"
  exit 0
fi
mkdir -p "$DEST/debs" "$DEST/root"
(cd "$DEST/debs" && apt-get download wrk libluajit-5.1-2)
for deb in "$DEST"/debs/*.deb; do
  dpkg -x "$deb" "$DEST/root"
done
cat > "$DEST/wrk" <<'WRAPPER'
#!/usr/bin/env bash
here="$(cd "$(dirname "$0")" && pwd)"
export LD_LIBRARY_PATH="$here/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec "$here/root/usr/bin/wrk" "$@"
WRAPPER
chmod +x "$DEST/wrk"
if LD_LIBRARY_PATH="$DEST/root/usr/lib/x86_64-linux-gnu" ldd "$DEST/root/usr/bin/wrk" | grep -q 'not found'; then
  echo "wrk is missing shared libraries:" >&2
  LD_LIBRARY_PATH="$DEST/root/usr/lib/x86_64-linux-gnu" ldd "$DEST/root/usr/bin/wrk" | grep 'not found' >&2
  exit 1
fi
{ "$DEST/wrk" -v 2>&1 || true; } | head -1
echo "wrk ready at $DEST/wrk"
