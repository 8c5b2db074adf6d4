# mpbias_deps.m4 -- locating GMP, MPFR, FLINT and Arb.
#
# MPBIAS_WITH_PREFIX(NAME): adds --with-NAME=PREFIX, which puts
# PREFIX/include on CPPFLAGS and PREFIX/lib on LDFLAGS.
AC_DEFUN([MPBIAS_WITH_PREFIX], [
  AC_ARG_WITH([$1],
    [AS_HELP_STRING([--with-$1=PREFIX], [look for $1 under PREFIX])],
    [AS_IF([test "x$withval" != xyes && test "x$withval" != xno],
       [CPPFLAGS="$CPPFLAGS -I$withval/include"
        LDFLAGS="$LDFLAGS -L$withval/lib"])])
])

# MPBIAS_CHECK_FLINT_ARB: finds FLINT with Arb, in either layout:
#  - FLINT 3: Arb merged into libflint, headers <flint/arb.h>;
#  - FLINT 2.x (Debian 12): separate libflint-arb (or libarb), headers <arb.h>.
# Defines MPBIAS_FLINT3 when <flint/arb.h> is the one to use.
AC_DEFUN([MPBIAS_CHECK_FLINT_ARB], [
  AC_CHECK_HEADER([flint/fmpq.h], [],
    [AC_MSG_ERROR([FLINT header flint/fmpq.h not found. On Debian: apt-get install libflint-dev (or use --with-flint=PREFIX).])])
  AC_SEARCH_LIBS([fmpq_init], [flint], [],
    [AC_MSG_ERROR([FLINT library not found. On Debian: apt-get install libflint-dev (or use --with-flint=PREFIX).])])

  mpbias_flint_kind=
  AC_CHECK_HEADER([flint/arb.h], [mpbias_flint_kind="FLINT 3 (Arb merged)"], [
    AC_CHECK_HEADER([arb.h], [mpbias_flint_kind="FLINT 2 with separate Arb"], [
      AC_MSG_ERROR([Arb headers not found (neither <flint/arb.h> of FLINT 3 nor <arb.h> of Arb 2). On Debian 12: apt-get install libflint-arb-dev; with FLINT 3 Arb is part of libflint-dev.])])])
  AS_IF([test "x$mpbias_flint_kind" = "xFLINT 3 (Arb merged)"],
    [AC_DEFINE([MPBIAS_FLINT3], [1], [Define if Arb is part of FLINT 3 (<flint/arb.h>).])])

  dnl With FLINT 3, arb_init lives in libflint (already on LIBS).
  AC_SEARCH_LIBS([arb_init], [flint-arb arb], [],
    [AC_MSG_ERROR([Arb library not found (tried libflint, libflint-arb, libarb). On Debian 12: apt-get install libflint-arb-dev.])])
  AC_SEARCH_LIBS([acb_calc_integrate], [], [],
    [AC_MSG_ERROR([Arb library lacks acb_calc_integrate: Arb 2.17 or newer (or FLINT 3) is required.])])
])
