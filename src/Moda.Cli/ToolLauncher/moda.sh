#!/bin/sh
# `moda` in the linux-x64 tool package (.ci/pack): the Native AOT build, native/moda, where the C
# library can load it (glibc 2.34 or later: Ubuntu 22.04, Debian 12, RHEL 9 and newer), else the
# portable build beside it, run by the .NET runtime that installed the tool (older glibc such as
# RHEL 8's, or musl on Alpine, which .NET maps to this package too). Same results either way.
here=$(dirname "$(readlink -f "$0")")
libc=$(getconf GNU_LIBC_VERSION 2>/dev/null) || libc=
case $libc in
  "glibc 2."*)
    minor=${libc#glibc 2.}
    minor=${minor%%[!0-9]*}
    [ "${minor:-0}" -ge 34 ] && exec "$here/native/moda" "$@" ;;
  "glibc "[3-9]*) exec "$here/native/moda" "$@" ;;
esac
dotnet=dotnet
[ -n "$DOTNET_ROOT" ] && [ -x "$DOTNET_ROOT/dotnet" ] && dotnet=$DOTNET_ROOT/dotnet
exec "$dotnet" "$here/portable/moda.dll" "$@"
