/* cx_version() and the CX_VERSION_* macros of include/cx.h agree. */
#include <stdio.h>

#include "cx.h"
#include "cx_test.h"

int main(void)
{
    char expected[64];
    const char *version = cx_version();

    snprintf(expected, sizeof expected, "%d.%d.%d", CX_VERSION_MAJOR,
             CX_VERSION_MINOR, CX_VERSION_PATCH);
    CX_CHECK(version != NULL);
    CX_CHECK_STR_EQ(version, expected);
    /* The pointer is static: the same on every call. */
    CX_CHECK(cx_version() == version);
    return cx_test_done();
}
