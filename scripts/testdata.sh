#!/usr/bin/env bash
# Test images that are not ours to commit: a real cat photo ("chelsea", public domain) taken out of Debian's
# scikit-image package without installing it. Lands in $MS_STATE/testdata/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
out="$MS_STATE/testdata"
[ -f "$out/cat.png" ] && exit 0
mkdir -p "$out/deb"
(cd "$out/deb" && apt-get download python3-skimage >/dev/null 2>&1)
dpkg-deb --fsys-tarfile "$out"/deb/python3-skimage_*.deb | tar -x -C "$out/deb" --wildcards '*/skimage/data/chelsea.png'
cp "$(find "$out/deb" -name chelsea.png | head -n 1)" "$out/cat.png"
rm -rf "$out/deb"
echo "testdata: $out/cat.png"
