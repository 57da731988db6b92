#!/usr/bin/env bash
# Runs `ringipc` against real rings and prints what it says: the output pasted into the README's CLI section.
# Not used by CI. Linux: a live ring (RingPeer "serve"), a claim held at its head by another process, a stale ring
# (its creator exited), and a corrupt one (garbage in /dev/shm). Cleans up after itself.
set -u
cd "$(dirname "$0")/.."
dotnet build src/Cli -c Release -v q -nologo >/dev/null && dotnet build tests/RingPeer -c Release -v q -nologo >/dev/null || exit 1
cli() { echo "\$ ringipc $*"; dotnet src/Cli/bin/Release/net10.0/RingIpc.Cli.dll "$@"; echo "(exit code $?)"; echo; }
peer() { dotnet tests/RingPeer/bin/Release/net10.0/RingIpc.Peer.dll "$@"; }
p=demo-
rm -f /dev/shm/RingIpc.${p}* /dev/shm/.RingIpc.${p}*
peer serve ${p}orders 30 > /dev/null & served=$!
peer create ${p}stale 4096 > /dev/null
(umask 077; head -c 9000 /dev/urandom > /dev/shm/RingIpc.${p}corrupt)
sleep 3
peer claim-and-hold ${p}orders 30 > /dev/null & holder=$!
sleep 2
cli ls --prefix $p
cli ls --prefix $p --json
cli stat ${p}orders
cli stat ${p}orders --json
cli watch ${p}orders --interval 1000 --count 2 --json
cli stat ${p}corrupt
cli stat ${p}missing
cli gc --prefix $p
kill $holder $served 2>/dev/null; wait 2>/dev/null
cli rm ${p}orders
cli rm ${p}corrupt --json
