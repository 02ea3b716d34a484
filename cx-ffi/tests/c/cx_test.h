/*
 * A tiny test harness for the C tests of cx-ffi (no dependencies).
 *
 * Each test program includes this header, calls CX_CHECK(...) as often as it
 * likes and returns cx_test_done(). Output is TAP ("ok 1 - ..."), then a
 * plan line "1..N" and a final summary line "N passed, M failed"; the exit
 * status is 0 only when nothing failed.
 */
#ifndef CX_TEST_H
#define CX_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cx_test_passed = 0;
static int cx_test_failed = 0;

static void cx_test_report(int ok, const char *what, const char *file, int line)
{
    int number = cx_test_passed + cx_test_failed + 1;
    if (ok) {
        cx_test_passed++;
        printf("ok %d - %s\n", number, what);
    } else {
        cx_test_failed++;
        printf("not ok %d - %s\n#   at %s:%d\n", number, what, file, line);
    }
}

/* Checks a condition; the message is the condition's source text. */
#define CX_CHECK(cond) cx_test_report((cond) != 0, #cond, __FILE__, __LINE__)

/* Checks that two NUL-terminated strings are equal (NULL never is). */
#define CX_CHECK_STR_EQ(a, b)                                                  \
    cx_test_report((a) != NULL && (b) != NULL && strcmp((a), (b)) == 0,        \
                   #a " == " #b, __FILE__, __LINE__)

/* The number after the first `"key":` that follows `anchor` in `json`
 * (NAN when either is missing): reads a figure out of a JSON document
 * without a JSON parser. */
static inline double number_after(const char *json, const char *anchor, const char *key)
{
    char pattern[64];
    const char *p = strstr(json, anchor);
    if (p == NULL)
        return NAN;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    p = strstr(p, pattern);
    return p == NULL ? NAN : strtod(p + strlen(pattern), NULL);
}

static int cx_test_done(void)
{
    printf("1..%d\n", cx_test_passed + cx_test_failed);
    printf("%d passed, %d failed\n", cx_test_passed, cx_test_failed);
    return cx_test_failed == 0 ? 0 : 1;
}

#endif /* CX_TEST_H */
