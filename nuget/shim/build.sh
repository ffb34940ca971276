#!/usr/bin/env bash
# Rebuilds nuget/feed/patched.distributedlock.postgres.1.3.3.nupkg from the nuspec beside this file.
# A .nupkg is a zip holding the nuspec; no code is packed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../feed/patched.distributedlock.postgres.1.3.3.nupkg"
tmp=$(mktemp -d)
cp "$here/Patched.DistributedLock.Postgres.nuspec" "$tmp/"
(cd "$tmp" && python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED); z.write('Patched.DistributedLock.Postgres.nuspec'); z.close()" "$out")
rm -rf "$tmp"
echo "wrote $out"
