/*
 * Issue #19 acceptance from C: the weighted airline CSV (the first 600
 * airline records with a constructed weight, tests/data/airline-weighted.csv)
 * through cx_engine_ingest_csv with its mapping's weight column, then
 * cx_engine_query with a rake on class and type of travel and
 * "compare": "rest", by segment (Gender). The figures are R survey's
 * (calibrate(calfun = "raking") + svyby(~wifi, ~gender, r, svymean); the R
 * calls are in cx-core/tests/weighted_rake.rs). A rake the data cannot
 * take is CX_STATUS_QUERY_ERROR with code invalid-rake at its pointer.
 * Run from the repository root (scripts/ci/ffi.sh does).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx.h"
#include "cx_test.h"

static const char QUERY[] =
    "{\"metrics\": [\"attribute:wifi\"], \"groupBy\": [\"segment\"], \"compare\": \"rest\","
    " \"rake\": [{\"dimension\": \"class\", \"shares\": {\"Business\": 0.45, \"Eco\": 0.45,"
    " \"Eco Plus\": 0.10}}, {\"dimension\": \"typeOfTravel\", \"shares\":"
    " {\"Business travel\": 0.6, \"Personal Travel\": 0.4}}]}";

static const char BAD[] =
    "{\"rake\": [{\"dimension\": \"class\", \"shares\": {\"Business\": 0.5, \"Eco\": 0.5}}]}";

/* The whole file (NUL-terminated), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *out = NULL;
    long n;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        out = malloc((size_t)n + 1);
        if (out != NULL && fread(out, 1, (size_t)n, f) == (size_t)n) {
            out[n] = 0;
            *len = (size_t)n;
        } else {
            free(out);
            out = NULL;
        }
    }
    fclose(f);
    return out;
}

static int close_to(double got, double want)
{
    return fabs(got - want) <= 1e-9 * fabs(want);
}

int main(void)
{
    size_t plan_len = 0, csv_len = 0, mapping_len = 0;
    char *plan_json = slurp("examples/data/airline-plan.json", &plan_len);
    char *csv = slurp("tests/data/airline-weighted.csv", &csv_len);
    char *mapping = slurp("tests/data/airline-weighted-mapping.json", &mapping_len);
    cx_plan *plan = NULL;
    cx_engine *engine = NULL;
    cx_buffer report = {NULL, 0}, card = {NULL, 0};

    CX_CHECK(plan_json != NULL && csv != NULL && mapping != NULL);
    if (plan_json == NULL || csv == NULL || mapping == NULL)
        return cx_test_done();
    CX_CHECK(cx_plan_new(plan_json, plan_len, &plan) == CX_STATUS_OK);
    CX_CHECK(cx_engine_new(plan, &engine) == CX_STATUS_OK);
    CX_CHECK(cx_engine_ingest_csv(engine, csv, csv_len, mapping, mapping_len, &report) ==
             CX_STATUS_OK);
    CX_CHECK(report.ptr != NULL && strstr(report.ptr, "\"accepted\":600") != NULL);
    cx_buffer_free(&report);

    CX_CHECK(cx_engine_query(engine, QUERY, strlen(QUERY), &card) == CX_STATUS_OK);
    CX_CHECK(card.ptr != NULL);
    if (card.ptr != NULL) {
        /* svyby(~wifi, ~gender, r, svymean, na.rm = TRUE): Female. */
        CX_CHECK(close_to(number_after(card.ptr, "\"Female\"", "value"), 2.759436788681898));
        CX_CHECK(close_to(number_after(card.ptr, "\"Female\"", "se"), 0.075481105990812994));
        CX_CHECK(close_to(number_after(card.ptr, "\"Female\"", "effectiveN"), 239.2872919025032));
        CX_CHECK(close_to(number_after(card.ptr, "\"Female\"", "weightSum"), 455.34013137397568));
        CX_CHECK(close_to(number_after(card.ptr, "\"Male\"", "value"), 2.8606620591142398));
        CX_CHECK(close_to(number_after(card.ptr, "\"Female\"", "delta"),
                          2.759436788681898 - 2.8606620591142398));
        CX_CHECK(number_after(card.ptr, "\"Female\"", "pAdjusted") > 0.0);
        CX_CHECK(strstr(card.ptr, "\"method\":\"welch\"") != NULL);
        CX_CHECK(strstr(card.ptr, "\"weighting\":{\"responses\":600") != NULL);
    }
    cx_buffer_free(&card);

    CX_CHECK(cx_engine_query(engine, BAD, strlen(BAD), &card) == CX_STATUS_QUERY_ERROR);
    CX_CHECK(card.ptr == NULL);
    CX_CHECK(strcmp(cx_last_error_code(), "invalid-rake") == 0);
    CX_CHECK(strcmp(cx_last_error_path(), "/rake/0/shares") == 0);
    CX_CHECK(strstr(cx_last_error_message(), "`Eco Plus`") != NULL);

    cx_engine_free(engine);
    cx_plan_free(plan);
    free(plan_json);
    free(csv);
    free(mapping);
    return cx_test_done();
}
