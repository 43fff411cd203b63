#!/bin/sh
# check_hardening.sh: read the built gpusizer binary with readelf and require
# the hardening the build asks for: a position-independent executable, full
# RELRO (a GNU_RELRO segment and immediate binding), a non-executable stack,
# the stack protector, and (in optimised builds) _FORTIFY_SOURCE's checked
# functions. Usage: check_hardening.sh BINARY BUILD_TYPE
set -eu
bin=$1
build_type=$2
status=0
fail() { echo "check_hardening: $bin: $*"; status=1; }

readelf -hW "$bin" | grep -q 'Type:.*DYN' || fail "not a position-independent executable (-fPIE -pie)"
readelf -lW "$bin" | grep -q 'GNU_RELRO' || fail "no GNU_RELRO segment (-Wl,-z,relro)"
readelf -dW "$bin" | grep -Eq 'BIND_NOW|FLAGS_1.*NOW' || fail "no immediate binding (-Wl,-z,now)"
readelf -lW "$bin" | grep 'GNU_STACK' | grep -q 'RWE' && fail "executable stack"
readelf --dyn-syms -W "$bin" | grep -q '__stack_chk_fail' || fail "no stack protector (-fstack-protector-strong)"
case "$build_type" in
  Release|RelWithDebInfo|MinSizeRel)
    readelf --dyn-syms -W "$bin" | grep -Eq '__(s?n?printf|memcpy|vsnprintf)_chk' ||
      fail "no _FORTIFY_SOURCE checked functions in an optimised build"
    ;;
esac
[ "$status" -eq 0 ] && echo "check_hardening: $bin: PIE, full RELRO, NX stack, stack protector${build_type:+, build type $build_type}"
exit "$status"
