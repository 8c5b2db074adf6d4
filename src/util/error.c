/*
 * error.c -- error reports: the one way library code tells the caller what
 * went wrong.  Owns mpbias_err_t; touches nothing else.
 */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "mpbias-impl.h"

void
mpbias_err_clear(mpbias_err_t err)
{
    err->status = MPBIAS_OK;
    err->line = 0;
    err->col = 0;
    err->msg[0] = '\0';
}

const char *
mpbias_status_string(mpbias_status status)
{
    switch (status)
    {
        case MPBIAS_OK: return "success";
        case MPBIAS_ERR_IO: return "input/output error";
        case MPBIAS_ERR_PARSE: return "parse error";
        case MPBIAS_ERR_DATA: return "unusable data";
        case MPBIAS_ERR_NOT_SEPARABLE: return "data not linearly separable";
        case MPBIAS_ERR_NOMEM: return "out of memory or beyond size limit";
        case MPBIAS_ERR_ARG: return "invalid argument";
        case MPBIAS_ERR_NUMERIC: return "numerical failure";
    }
    return "unknown status";
}

mpbias_status
_mpbias_err_vset(mpbias_err_t err, mpbias_status status, const char *where,
                 long line, long col, const char *fmt, va_list ap)
{
    size_t k = 0;

    if (err == NULL)
        return status;
    err->status = status;
    err->line = line;
    err->col = col;
    err->msg[0] = '\0';
    if (where != NULL)
    {
        int r;
        if (line > 0 && col > 0)
            r = snprintf(err->msg, sizeof err->msg, "%s:%ld:%ld: ", where, line, col);
        else if (line > 0)
            r = snprintf(err->msg, sizeof err->msg, "%s:%ld: ", where, line);
        else
            r = snprintf(err->msg, sizeof err->msg, "%s: ", where);
        k = (r < 0) ? 0 : ((size_t) r < sizeof err->msg ? (size_t) r : sizeof err->msg - 1);
    }
    vsnprintf(err->msg + k, sizeof err->msg - k, fmt, ap);
    return status;
}

mpbias_status
_mpbias_err_set(mpbias_err_t err, mpbias_status status, const char *where,
                long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _mpbias_err_vset(err, status, where, line, col, fmt, ap);
    va_end(ap);
    return status;
}

int
_mpbias_size_ok(slong n, slong m, size_t size, size_t limit)
{
    size_t cap = (limit == 0) ? SIZE_MAX : limit;
    if (n < 0 || m < 0)
        return 0;
    if (n == 0 || m == 0)
        return 1;
    if ((size_t) n > cap / (size_t) m)
        return 0;
    if ((size_t) n * (size_t) m > cap / size)
        return 0;
    return 1;
}
