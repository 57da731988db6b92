#!/usr/bin/env bash
# Installs a private 32-bit (i386) Mono runtime for RingIpc's 32<->64-bit tests (DESIGN.md section 1).
#
#   sudo eng/install-mono32.sh          # then: eng/mono32 app.exe args...
#
# Debian 12 x64 only. `apt-get install mono-runtime:i386` fails on dependency resolution, so the
# i386 packages are fetched with `apt-get download` and unpacked with `dpkg -x` into
# ${RINGIPC_MONO32_DIR:-/opt/ringipc/mono32}. The only system-wide changes: the i386 architecture
# is enabled and `libc6-i386` is installed (it provides the i386 loader /lib/ld-linux.so.2, which
# is the PT_INTERP of mono-sgen, plus libc/libm/libresolv for 32-bit processes).
# Idempotent: a marker file written last makes a second run exit at once.
set -euo pipefail

dir="${RINGIPC_MONO32_DIR:-/opt/ringipc/mono32}"
marker="$dir/.ringipc-mono32-installed"

# i386 packages (unpacked only, never installed):
#   mono-runtime-sgen, mono-runtime-common   the runtime, libmono-native.so, etc/mono/config
#   libgssapi-krb5-2 ... libkeyutils1          libmono-native.so links libgssapi_krb5 (double formatting needs it)
#   libgcc-s1                                  glibc dlopens libgcc_s.so.1 in pthread_exit: without it Mono
#                                              aborts at process exit ("libgcc_s.so.1 must be installed")
#   zlib1g                                     libMonoPosixHelper.so links libz.so.1 (Mono.Posix, DeflateStream)
# Architecture-independent (all) packages: mscorlib, System, System.Core, the GAC layout.
packages=(
  mono-runtime-sgen:i386 mono-runtime-common:i386
  libgssapi-krb5-2:i386 libkrb5-3:i386 libk5crypto3:i386 libcom-err2:i386 libkrb5support0:i386 libkeyutils1:i386
  libgcc-s1:i386 zlib1g:i386
  libmono-corlib4.5-dll libmono-corlib4.5-cil libmono-system4.0-cil libmono-system-core4.0-cil mono-gac
)
stamp="ringipc-mono32 v1: ${packages[*]}"

# Some kernels cannot execute i386 programs (ia32 emulation off: "Exec format error", exit 126), as on
# some CI virtual machines. Mono then runs under qemu-user (qemu-i386), a real i386 user-space process
# whose system calls reach the same kernel: shared mappings, futexes and process ids are the host's.
# eng/mono32 reads the launcher from $launcher_file (empty: run natively).
launcher_file="$dir/.ringipc-mono32-launcher"
native_i386() { /lib/ld-linux.so.2 --version >/dev/null 2>&1; }

installed() {
  [[ -f $marker && "$(<"$marker")" == "$stamp" && -x $dir/usr/bin/mono-sgen && -e /lib/ld-linux.so.2 && -f $launcher_file ]] &&
    { [[ -z "$(<"$launcher_file")" ]] || command -v qemu-i386 >/dev/null; }
}

installed && exit 0

if (( EUID != 0 )); then
  echo "install-mono32: must run as root (apt-get, dpkg --add-architecture)" >&2
  exit 1
fi

log="$(mktemp /tmp/install-mono32.XXXXXX.log)"
work=""; staging=""
cleanup() { [[ -n $work ]] && rm -rf "$work"; [[ -n $staging ]] && rm -rf "$staging"; return 0; }
trap cleanup EXIT

fail() {
  echo "install-mono32: $1 failed; last lines of $log:" >&2
  tail -n 60 "$log" >&2
  exit 1
}
step() { # step "what" command...: output goes to the log, shown only on failure
  local what=$1; shift
  echo "+ $*" >>"$log"
  "$@" >>"$log" 2>&1 || fail "$what"
}

# Serialize concurrent runs (parallel CI jobs, test fixtures); re-check once we hold the lock.
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
installed && { rm -f "$log"; exit 0; }

started=$SECONDS
export DEBIAN_FRONTEND=noninteractive

if ! dpkg --print-foreign-architectures | grep -qx i386; then
  step "dpkg --add-architecture i386" dpkg --add-architecture i386
fi

# A partial failure (e.g. one index whose mirror is mid-sync) must not stop us when the packages
# still resolve: apt-get download below is the real check and its error shows this log.
echo "+ apt-get update" >>"$log"
apt-get update -q -o DPkg::Lock::Timeout=120 >>"$log" 2>&1 || echo "(apt-get update reported errors; continuing)" >>"$log"

if ! dpkg-query -W -f='${Status}' libc6-i386 2>/dev/null | grep -q 'install ok installed'; then
  step "apt-get install libc6-i386" apt-get install -y -q -o DPkg::Lock::Timeout=120 --no-install-recommends libc6-i386
fi

launcher=""
if ! native_i386; then
  if ! command -v qemu-i386 >/dev/null; then
    step "apt-get install qemu-user (this kernel cannot execute i386 programs)" \
      apt-get install -y -q -o DPkg::Lock::Timeout=120 --no-install-recommends qemu-user
  fi
  launcher="$(command -v qemu-i386)"
  echo "install-mono32: this kernel cannot execute i386 programs; 32-bit Mono runs under $launcher" >&2
fi

work="$(mktemp -d /tmp/install-mono32.debs.XXXXXX)"
chmod 755 "$work"
chown _apt "$work" 2>/dev/null || true   # lets apt download sandboxed (no warning)
download() { (cd "$work" && apt-get download -q "${packages[@]}"); }
step "apt-get download" download

staging="$(mktemp -d "$dir.new.XXXXXX")"
for deb in "$work"/*.deb; do
  step "dpkg -x $(basename "$deb")" dpkg -x "$deb" "$staging"
done
rm -rf "$staging/usr/share/doc" "$staging/usr/share/man" "$staging/usr/share/lintian"
chmod 755 "$staging"

# Smoke test in place (Mono finds its lib/ and etc/ relative to its own binary):
# every native library resolves, and the runtime runs a managed exe against mscorlib.
libpath="$staging/usr/lib/i386-linux-gnu:$staging/lib/i386-linux-gnu"
check_libs() { # the i386 loader lists every dependency; none may be "not found"
  local out
  out="$(LD_LIBRARY_PATH="$libpath" $launcher /lib/ld-linux.so.2 --list "$1")" || return 1
  echo "$out"
  ! grep -F "not found" <<<"$out"
}
smoke() {
  local out
  out="$(LD_LIBRARY_PATH="$libpath" MONO_CFG_DIR="$staging/etc" $launcher "$staging/usr/bin/mono-sgen" \
    --config "$staging/etc/mono/config" "$staging/usr/share/mono/MonoGetAssemblyName.exe" \
    "$staging/usr/lib/mono/4.5/mscorlib.dll")" || return 1
  echo "$out"
  grep -q "^mscorlib, Version=4.0.0.0" <<<"$out"
}
for so in usr/bin/mono-sgen usr/lib/libmono-native.so usr/lib/libMonoPosixHelper.so; do
  step "library check of $so" check_libs "$staging/$so"
done
step "mono smoke test" smoke

rm -rf "$dir"
mv "$staging" "$dir"
staging=""
printf '%s' "$launcher" >"$launcher_file"
printf '%s\n' "$stamp" >"$marker"
rm -f "$log"
echo "install-mono32: 32-bit Mono $(cd "$work" && ls mono-runtime-sgen_*.deb | cut -d_ -f2) installed in $dir${launcher:+ (run under $launcher)} ($((SECONDS - started)) s)"
