/*
 * Issue #19, item 1: the `weight` field of `cx_response`. 0 (what
 * cx_response_init and a zero-filled struct hold) is no weight; a weight is
 * checked as in every input (field `weight`), rounded to millionths
 * (counted in `weightsRounded`). The same rows through the typed Rust path
 * give the same report (cx-ffi/tests/weights.rs).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cx.h"
#include "cx_test.h"

#define MARCH_1 1772323200

static const char PLAN[] =
    "{\"schemaVersion\": 1, \"organization\": {\"name\": \"Acme\"}}";

int main(void)
{
    cx_plan *plan = NULL;
    cx_engine *engine = NULL;
    cx_buffer report = {NULL, 0};
    cx_response rows[8];
    const double weights[8] = {2.5, 0.0, 1.0, 0.1234567, -1.0, 100000.5, NAN, INFINITY};
    size_t i;
    cx_response zero;

    memset(&zero, 0, sizeof zero);
    CX_CHECK(zero.weight == 0.0);
    CX_CHECK(cx_plan_new(PLAN, strlen(PLAN), &plan) == CX_STATUS_OK);
    CX_CHECK(cx_engine_new(plan, &engine) == CX_STATUS_OK);
    for (i = 0; i < 8; i++) {
        cx_response_init(&rows[i]);
        CX_CHECK(rows[i].weight == 0.0);
        rows[i].at = MARCH_1 + (int64_t)i * 60;
        rows[i].nps = 9;
        rows[i].weight = weights[i];
    }
    CX_CHECK(cx_engine_ingest_responses(engine, rows, 8, &report) == CX_STATUS_OK);
    CX_CHECK(report.ptr != NULL);
    if (report.ptr != NULL) {
        CX_CHECK(strstr(report.ptr, "\"total\":8,\"accepted\":4,\"rejected\":4") != NULL);
        CX_CHECK(strstr(report.ptr, "\"index\":4,\"pointer\":\"/weight\",\"code\":\"out-of-range\",\"message\":\"`weight`: a weight must be positive; got -1\"") != NULL);
        CX_CHECK(strstr(report.ptr, "\"index\":5,\"pointer\":\"/weight\",\"code\":\"out-of-range\"") != NULL);
        CX_CHECK(strstr(report.ptr, "\"index\":6,\"pointer\":\"/weight\",\"code\":\"invalid-value\"") != NULL);
        CX_CHECK(strstr(report.ptr, "\"index\":7,\"pointer\":\"/weight\",\"code\":\"invalid-value\"") != NULL);
        CX_CHECK(strstr(report.ptr, "\"weightsRounded\":1") != NULL);
    }
    cx_buffer_free(&report);
    {
        /* 2.5 and 0.1234567 are filed with their weight; 0 and 1 are none. */
        cx_stats stats = {0, 0, 0, 0};
        CX_CHECK(cx_engine_stats(engine, &stats) == CX_STATUS_OK);
        CX_CHECK(stats.rows == 4);
        CX_CHECK(stats.weighted_rows == 2);
    }
    cx_engine_free(engine);
    cx_plan_free(plan);
    return cx_test_done();
}
