/*
 * Every export of include/cx.h: success paths, NULL arguments, bad UTF-8,
 * malformed JSON, an invalid plan, off-scale scores, and the ingest ->
 * query round trip on a tiny data set whose figures are derived by hand:
 *
 *   NPS ratings 0 6 | 7 8 8 | 9 9 10 10 10 -> 2 detractors, 3 passives,
 *   5 promoters, n = 10, NPS = (5 - 2) / 10 = 30 (SPEC §3.2).
 *   CSAT 5 5 4 4 3 3 2 1 5 4 -> top-2-box 6/10 = 60 %, mean 36/10 = 3.6.
 *   Alerts: nps 0 and 6 (detractors), csat 2 and 1 (bottom two) -> 4.
 *
 * cx-ffi/tests/roundtrip.rs asserts the same figures through typed Rust
 * ingest.
 */

#define _POSIX_C_SOURCE 200809L /* mkdtemp, opendir: test_snapshot_file */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"
#include "cx_test.h"

static const char PLAN[] =
    "{\"schemaVersion\": 1, \"organization\": {\"name\": \"Acme\"},"
    " \"attributes\": [{\"id\": \"courtesy\", \"label\": \"Courtesy\","
    " \"scale\": {\"min\": 1, \"max\": 5}}],"
    " \"dimensions\": [{\"id\": \"region\", \"label\": \"Region\"}]}";

static const char INVALID_PLAN[] =
    "{\"schemaVersion\": 1, \"organization\": {\"name\": \"Acme\"},"
    " \"attributes\": [{\"id\": \"a\", \"label\": \"A\","
    " \"scale\": {\"min\": 5, \"max\": 1}}]}";

/* 2026-03-01T00:00:00Z */
#define MARCH_1 1772323200


static double absd(double x) { return x < 0 ? -x : x; }

static int count(const char *haystack, const char *needle)
{
    int n = 0;
    const char *p = haystack;
    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    return n;
}

static cx_plan *new_plan(const char *json)
{
    cx_plan *plan = NULL;
    if (cx_plan_new(json, strlen(json), &plan) != CX_STATUS_OK)
        return NULL;
    return plan;
}

static void test_version_and_status(void)
{
    CX_CHECK(cx_version() != NULL);
    CX_CHECK_STR_EQ(cx_status_str(CX_STATUS_OK), "ok");
    CX_CHECK_STR_EQ(cx_status_str(CX_STATUS_NULL_ARGUMENT), "null argument");
    CX_CHECK_STR_EQ(cx_status_str(CX_STATUS_PANIC), "internal error (panic)");
    CX_CHECK_STR_EQ(cx_status_str(42), "unknown status");
    /* Stable numbers. */
    CX_CHECK(CX_STATUS_INVALID_UTF8 == 2 && CX_STATUS_PARSE_ERROR == 3 &&
             CX_STATUS_INVALID_PLAN == 4 && CX_STATUS_INVALID_ARGUMENT == 5 &&
             CX_STATUS_QUERY_ERROR == 6 && CX_STATUS_MAPPING_ERROR == 7 &&
             CX_STATUS_INCOMPATIBLE == 8 && CX_STATUS_INVALID_SNAPSHOT == 9 &&
             CX_STATUS_PANIC == 10);
    /* Never NULL, even before any failure. */
    CX_CHECK(cx_last_error_message() != NULL);
    CX_CHECK(cx_last_error_code() != NULL);
    CX_CHECK(cx_last_error_path() != NULL);
}

static void test_plan(void)
{
    cx_plan *plan = (cx_plan *)0x1; /* must stay untouched on failure */
    cx_buffer buf = {NULL, 0};
    static const char malformed[] = "{\"schemaVersion\": 1,\n \"organization\": {\"name\": 7}}";
    static const char bad_utf8[] = "{\"organization\": \"\xff\"}";

    CX_CHECK(cx_plan_new(malformed, strlen(malformed), &plan) == CX_STATUS_PARSE_ERROR);
    CX_CHECK(plan == (cx_plan *)0x1);
    CX_CHECK_STR_EQ(cx_last_error_code(), "parse-error");
    CX_CHECK_STR_EQ(cx_last_error_path(), "/organization/name");
    CX_CHECK(strstr(cx_last_error_message(), "line 2") != NULL);
    CX_CHECK(cx_plan_new(bad_utf8, strlen(bad_utf8), &plan) == CX_STATUS_INVALID_UTF8);
    CX_CHECK_STR_EQ(cx_last_error_code(), "invalid-utf8");
    CX_CHECK(cx_plan_new(NULL, 3, &plan) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_plan_new(PLAN, strlen(PLAN), NULL) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK_STR_EQ(cx_last_error_code(), "null-argument");

    plan = NULL;
    CX_CHECK(cx_plan_new(PLAN, strlen(PLAN), &plan) == CX_STATUS_OK);
    CX_CHECK(plan != NULL);
    CX_CHECK(cx_plan_validate(plan, &buf) == CX_STATUS_OK);
    CX_CHECK(buf.ptr != NULL && buf.len == strlen(buf.ptr));
    CX_CHECK(strncmp(buf.ptr, "{\"diagnostics\":[", 16) == 0);
    CX_CHECK(strstr(buf.ptr, "\"severity\":\"error\"") == NULL);
    cx_buffer_free(&buf);
    CX_CHECK(buf.ptr == NULL && buf.len == 0);
    cx_buffer_free(&buf); /* harmless twice */
    cx_buffer_free(NULL);
    CX_CHECK(cx_plan_trace(plan, &buf) == CX_STATUS_OK);
    CX_CHECK(buf.ptr != NULL && buf.ptr[0] == '{');
    cx_buffer_free(&buf);
    CX_CHECK(cx_plan_validate(NULL, &buf) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_plan_validate(plan, NULL) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_plan_trace(NULL, &buf) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_plan_trace(plan, NULL) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(buf.ptr == NULL);
    cx_plan_free(plan);
    cx_plan_free(NULL);
}

static void test_engine_new(void)
{
    cx_plan *plan = new_plan(PLAN);
    cx_plan *invalid = new_plan(INVALID_PLAN);
    cx_engine *engine = NULL;
    cx_buffer buf = {NULL, 0};
    static const char config[] = "{\"cube\": {\"dimensions\": [\"segment\"], \"granularity\": \"month\"}}";
    static const char unknown_dim[] = "{\"cube\": {\"dimensions\": [\"planet\"]}}";
    static const char bad_config[] = "{\"cube\": {\"granularity\": \"fortnight\"}}";

    CX_CHECK(invalid != NULL); /* invalid plans load, to be validated */
    CX_CHECK(cx_plan_validate(invalid, &buf) == CX_STATUS_OK);
    CX_CHECK(strstr(buf.ptr, "\"severity\":\"error\"") != NULL);
    cx_buffer_free(&buf);
    CX_CHECK(cx_engine_new(invalid, &engine) == CX_STATUS_INVALID_PLAN);
    CX_CHECK(engine == NULL);
    CX_CHECK_STR_EQ(cx_last_error_code(), "invalid-plan");
    CX_CHECK(strstr(cx_last_error_message(), "/attributes/0") != NULL);
    CX_CHECK(cx_engine_new_with_config(invalid, "{}", 2, &engine) == CX_STATUS_INVALID_PLAN);
    CX_CHECK(cx_engine_new(NULL, &engine) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_new(plan, NULL) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_new_with_config(plan, NULL, 0, &engine) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_new_with_config(plan, unknown_dim, strlen(unknown_dim), &engine) ==
             CX_STATUS_INVALID_ARGUMENT);
    CX_CHECK_STR_EQ(cx_last_error_code(), "unknown-dimension");
    CX_CHECK(cx_engine_new_with_config(plan, bad_config, strlen(bad_config), &engine) ==
             CX_STATUS_PARSE_ERROR);
    CX_CHECK_STR_EQ(cx_last_error_path(), "/cube/granularity");
    CX_CHECK(cx_engine_new_with_config(plan, "\xff", 1, &engine) == CX_STATUS_INVALID_UTF8);
    CX_CHECK(engine == NULL);
    CX_CHECK(cx_engine_new_with_config(plan, config, strlen(config), &engine) == CX_STATUS_OK);
    CX_CHECK(engine != NULL);
    cx_engine_free(engine);
    engine = NULL;
    CX_CHECK(cx_engine_new(plan, &engine) == CX_STATUS_OK);
    cx_plan_free(plan); /* the engine keeps its own copy */
    cx_plan_free(invalid);
    CX_CHECK(cx_engine_alerts(engine, &buf) == CX_STATUS_OK);
    CX_CHECK_STR_EQ(buf.ptr, "[]");
    cx_buffer_free(&buf);
    cx_engine_free(engine);
    cx_engine_free(NULL);
}

static const int16_t NPS[10] = {0, 6, 7, 8, 8, 9, 9, 10, 10, 10};
static const int16_t CSAT[10] = {5, 5, 4, 4, 3, 3, 2, 1, 5, 4};

static void test_ingest_responses_and_query(void)
{
    cx_plan *plan = new_plan(PLAN);
    cx_engine *engine = NULL;
    cx_buffer report = {NULL, 0};
    cx_buffer card = {NULL, 0};
    cx_response rows[15];
    char ids[15][16];
    const cx_attribute courtesy[] = {{"courtesy", 4}, {"courtesy", CX_MISSING}};
    const cx_attribute unknown[] = {{"nope", 3}};
    const cx_attribute negative[] = {{"courtesy", -5}};
    const cx_dimension region[] = {{"region", "west"}};
    static const char query[] = "{\"metrics\": [\"nps\", \"csat\", \"attribute:courtesy\"]}";
    size_t i;

    CX_CHECK(cx_engine_new(plan, &engine) == CX_STATUS_OK);
    for (i = 0; i < 15; i++) {
        cx_response_init(&rows[i]);
        snprintf(ids[i], sizeof ids[i], "call-%d", (int)i);
        rows[i].id = ids[i];
        rows[i].at = MARCH_1 + (int64_t)i * 60;
        rows[i].nps = 9;
    }
    CX_CHECK(rows[0].csat == CX_MISSING && rows[0].segment == NULL);
    for (i = 0; i < 10; i++) {
        rows[i].nps = NPS[i];
        rows[i].csat = CSAT[i];
        rows[i].segment = "retail";
        rows[i].team = "north";
        rows[i].attributes = courtesy;
        rows[i].attributes_len = 2;
        rows[i].dimensions = region;
        rows[i].dimensions_len = 1;
    }
    rows[10].nps = 11;               /* off the 0-10 scale: the engine's check */
    rows[11].csat = 300;             /* no rating at all */
    rows[12].segment = "caf\xc3";    /* truncated UTF-8 */
    rows[13].attributes = unknown;   /* not an attribute of the plan */
    rows[13].attributes_len = 1;
    rows[14].attributes = negative;  /* a negative rating */
    rows[14].attributes_len = 1;

    CX_CHECK(cx_engine_ingest_responses(engine, rows, 15, &report) == CX_STATUS_OK);
    CX_CHECK(report.ptr != NULL);
    CX_CHECK(strstr(report.ptr, "\"total\":15,\"accepted\":10,\"rejected\":5") != NULL);
    CX_CHECK(strstr(report.ptr, "\"index\":10,\"pointer\":\"/nps\",\"id\":\"call-10\",\"code\":\"out-of-range\"") != NULL);
    CX_CHECK(strstr(report.ptr, "\"index\":11,\"pointer\":\"/csat\"") != NULL);
    CX_CHECK(strstr(report.ptr, "\"index\":12,\"pointer\":\"/segment\",\"id\":\"call-12\",\"code\":\"invalid-utf8\"") != NULL);
    CX_CHECK(strstr(report.ptr, "\"code\":\"unknown-attribute\"") != NULL);
    CX_CHECK(strstr(report.ptr, "\"index\":14,\"pointer\":\"/attributes/courtesy\"") != NULL);
    /* The alerts come back in the same call. */
    CX_CHECK(count(report.ptr, "\"reason\":") == 4);
    CX_CHECK(count(report.ptr, "\"reason\":\"detractor\"") == 2);
    CX_CHECK(count(report.ptr, "\"reason\":\"csatBottomTwo\"") == 2);
    CX_CHECK(strstr(report.ptr, "\"recordId\":\"call-0\"") != NULL);
    CX_CHECK(strstr(report.ptr, "\"due\":\"2026-03-03T00:00:00Z\"") != NULL); /* +48 h */
    CX_CHECK(strstr(report.ptr, "\"region\":\"west\"") != NULL);
    /* The footprint: 10 rows filed, in cells that cost what they hold. */
    {
        cx_stats stats = {0, 0, 0, 0};
        CX_CHECK(cx_engine_stats(engine, &stats) == CX_STATUS_OK);
        CX_CHECK(stats.rows == 10);
        CX_CHECK(stats.cells >= 1 && stats.cells <= 10);
        CX_CHECK(stats.bytes > 0);
        CX_CHECK(cx_engine_stats(NULL, &stats) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_engine_stats(engine, NULL) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(stats.rows == 10); /* untouched on failure */
    }
    /* A memory budget (limits.maxCellBytes) smaller than what the rows need:
       the call fails with CX_STATUS_MEMORY_LIMIT and keeps nothing. */
    {
        static const char tight[] = "{\"limits\": {\"maxCellBytes\": 256}}";
        cx_plan *plan3 = new_plan(PLAN);
        cx_engine *small = NULL;
        cx_buffer out3 = {NULL, 0};
        cx_stats stats = {7, 7, 7, 7}, empty = {7, 7, 7, 7};
        CX_CHECK(cx_engine_new_with_config(plan3, tight, strlen(tight), &small) == CX_STATUS_OK);
        cx_plan_free(plan3);
        CX_CHECK(cx_engine_stats(small, &empty) == CX_STATUS_OK);
        CX_CHECK(cx_engine_ingest_responses(small, rows, 10, &out3) == CX_STATUS_MEMORY_LIMIT);
        CX_CHECK(out3.ptr == NULL);
        CX_CHECK_STR_EQ(cx_last_error_code(), "memory-limit");
        CX_CHECK(strstr(cx_last_error_message(), "limits.maxCellBytes = 256") != NULL);
        CX_CHECK(cx_engine_stats(small, &stats) == CX_STATUS_OK);
        CX_CHECK(stats.cells == 0 && stats.rows == 0);
        CX_CHECK(cx_engine_ingest_json_lines(small, "{\"at\": \"2026-03-01\", \"nps\": 9}\n", 31, &out3) ==
                 CX_STATUS_MEMORY_LIMIT);
        CX_CHECK(cx_engine_stats(small, &stats) == CX_STATUS_OK);
        CX_CHECK(stats.cells == 0 && stats.rows == 0 && stats.bytes == empty.bytes);
        cx_engine_free(small);
    }

    /* The same rows through the hot path without JSON: counts and alerts as
       C values, the same report as JSON on request. */
    {
        cx_plan *plan2 = new_plan(PLAN);
        cx_engine *engine2 = NULL;
        cx_ingest_result *result = NULL;
        const cx_alert *alerts = NULL;
        cx_buffer json = {NULL, 0};
        uint64_t total = 0, accepted = 0, rejected = 0;
        size_t n_alerts;

        CX_CHECK(cx_engine_new(plan2, &engine2) == CX_STATUS_OK);
        cx_plan_free(plan2);
        CX_CHECK(cx_engine_ingest_rows(engine2, rows, 15, &result) == CX_STATUS_OK);
        CX_CHECK(result != NULL);
        cx_ingest_result_counts(result, &total, &accepted, &rejected);
        CX_CHECK(total == 15 && accepted == 10 && rejected == 5);
        cx_ingest_result_counts(result, NULL, &accepted, NULL); /* NULLs skipped */
        n_alerts = cx_ingest_result_alerts(result, &alerts);
        CX_CHECK(n_alerts == 4);
        CX_CHECK(alerts != NULL);
        /* rows 0 and 1: detractors (NPS 0, 6); rows 6 and 7: CSAT 2 and 1. */
        CX_CHECK(alerts[0].reason == CX_ALERT_REASON_DETRACTOR && alerts[0].index == 0 &&
                 alerts[0].value == 0);
        CX_CHECK(alerts[1].reason == CX_ALERT_REASON_DETRACTOR && alerts[1].index == 1 &&
                 alerts[1].value == 6);
        CX_CHECK(alerts[2].reason == CX_ALERT_REASON_CSAT_BOTTOM_TWO && alerts[2].index == 6 &&
                 alerts[2].value == 2);
        CX_CHECK(alerts[3].reason == CX_ALERT_REASON_CSAT_BOTTOM_TWO && alerts[3].index == 7 &&
                 alerts[3].value == 1);
        CX_CHECK(alerts[0].at == rows[0].at && alerts[0].due == rows[0].at + 48 * 3600);
        CX_CHECK(cx_ingest_result_alerts(result, NULL) == 4);
        CX_CHECK(cx_ingest_result_json(result, &json) == CX_STATUS_OK);
        CX_CHECK(json.len == report.len && memcmp(json.ptr, report.ptr, json.len) == 0);
        cx_buffer_free(&json);
        cx_ingest_result_free(result);

        /* Errors and NULLs. */
        result = NULL;
        CX_CHECK(cx_engine_ingest_rows(engine2, NULL, 0, &result) == CX_STATUS_OK);
        CX_CHECK(cx_ingest_result_alerts(result, &alerts) == 0 && alerts == NULL);
        cx_ingest_result_counts(result, &total, &accepted, &rejected);
        CX_CHECK(total == 0 && accepted == 0 && rejected == 0);
        cx_ingest_result_free(result);
        result = NULL;
        CX_CHECK(cx_engine_ingest_rows(engine2, NULL, 1, &result) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_engine_ingest_rows(NULL, rows, 1, &result) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_engine_ingest_rows(engine2, rows, 1, NULL) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_engine_ingest_rows(engine2, rows, SIZE_MAX, &result) ==
                 CX_STATUS_INVALID_ARGUMENT);
        CX_CHECK(result == NULL);
        CX_CHECK(cx_ingest_result_json(NULL, &json) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(json.ptr == NULL);
        CX_CHECK(cx_ingest_result_alerts(NULL, &alerts) == 0);
        cx_ingest_result_counts(NULL, &total, NULL, NULL);
        cx_ingest_result_free(NULL);
        cx_engine_free(engine2);
    }
    cx_buffer_free(&report);

    CX_CHECK(cx_engine_query(engine, query, strlen(query), &card) == CX_STATUS_OK);
    CX_CHECK(absd(number_after(card.ptr, "\"nps\":{", "value") - 30.0) < 1e-9);
    CX_CHECK(number_after(card.ptr, "\"nps\":{", "n") == 10.0);
    CX_CHECK(number_after(card.ptr, "\"nps\":{", "detractors") == 2.0);
    CX_CHECK(number_after(card.ptr, "\"nps\":{", "passives") == 3.0);
    CX_CHECK(number_after(card.ptr, "\"nps\":{", "promoters") == 5.0);
    CX_CHECK(absd(number_after(card.ptr, "\"csat\":{", "value") - 60.0) < 1e-9);
    CX_CHECK(absd(number_after(card.ptr, "\"csat\":{", "mean") - 3.6) < 1e-9);
    CX_CHECK(absd(number_after(card.ptr, "\"attribute:courtesy\":{", "mean") - 4.0) < 1e-9);
    cx_buffer_free(&card);

    /* Errors: NULLs, n = 0, query errors. */
    CX_CHECK(cx_engine_ingest_responses(engine, NULL, 0, &report) == CX_STATUS_OK);
    CX_CHECK(strstr(report.ptr, "\"total\":0") != NULL);
    cx_buffer_free(&report);
    CX_CHECK(cx_engine_ingest_responses(engine, NULL, 1, &report) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_ingest_responses(NULL, rows, 1, &report) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_ingest_responses(engine, rows, 1, NULL) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(report.ptr == NULL);
    CX_CHECK(cx_engine_query(engine, "{\"metrics\": [\"attribute:nope\"]}", 31, &card) ==
             CX_STATUS_QUERY_ERROR);
    CX_CHECK_STR_EQ(cx_last_error_code(), "unknown-metric");
    CX_CHECK_STR_EQ(cx_last_error_path(), "/metrics/0");
    CX_CHECK(cx_engine_query(engine, "{\"metrics\": ", 12, &card) == CX_STATUS_PARSE_ERROR);
    CX_CHECK(cx_engine_query(engine, "\xff", 1, &card) == CX_STATUS_INVALID_UTF8);
    CX_CHECK(cx_engine_query(NULL, "{}", 2, &card) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_query(engine, NULL, 2, &card) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_query(engine, "{}", 2, NULL) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(card.ptr == NULL);

    /* The CX report in its three formats. */
    {
        cx_buffer rep = {NULL, 0};
        static const char opts[] = "{\"analysis\": {\"asOf\": \"2026-03-31\"}}";
        CX_CHECK(cx_engine_report(engine, opts, strlen(opts), CX_REPORT_FORMAT_JSON, &rep) == CX_STATUS_OK);
        CX_CHECK(rep.ptr != NULL && rep.ptr[0] == '{');
        CX_CHECK(strstr(rep.ptr, "\"recommendations\"") != NULL);
        cx_buffer_free(&rep);
        CX_CHECK(cx_engine_report(engine, NULL, 0, CX_REPORT_FORMAT_MARKDOWN, &rep) == CX_STATUS_OK);
        CX_CHECK(strstr(rep.ptr, "## Recommended interventions") != NULL);
        cx_buffer_free(&rep);
        CX_CHECK(cx_engine_report(engine, NULL, 0, CX_REPORT_FORMAT_HTML, &rep) == CX_STATUS_OK);
        CX_CHECK(strncmp(rep.ptr, "<!DOCTYPE html>", 15) == 0);
        CX_CHECK(strlen(rep.ptr) == rep.len);
        cx_buffer_free(&rep);
        CX_CHECK(cx_engine_report(engine, "{\"bogus\": 1}", 12, CX_REPORT_FORMAT_JSON, &rep) == CX_STATUS_PARSE_ERROR);
        CX_CHECK(cx_engine_report(engine, NULL, 0, 7, &rep) == CX_STATUS_INVALID_ARGUMENT);
        CX_CHECK(cx_engine_report(NULL, NULL, 0, CX_REPORT_FORMAT_JSON, &rep) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_engine_report(engine, NULL, 0, CX_REPORT_FORMAT_JSON, NULL) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(rep.ptr == NULL);
    }
    cx_engine_free(engine);
    cx_plan_free(plan);
}

static void test_text_ingest(void)
{
    cx_plan *plan = new_plan(PLAN);
    cx_engine *engine = NULL;
    cx_buffer buf = {NULL, 0};
    static const char json[] =
        "[{\"at\": \"2026-03-01\", \"nps\": 9}, {\"at\": \"2026-03-01\", \"nps\": 12}]";
    static const char lines[] =
        "{\"at\": \"2026-03-02\", \"nps\": 10}\n\n{\"at\": \"2026-03-02\", \"nps\": \"x\"}\n"
        "{\"at\": \"2026-03-02\", \"segment\": \"\xff\"}\n";
    static const char csv[] = "date,score\n2026-03-03,10\n2026-03-03,4\n2026-03-03,99\n";
    static const char mapping[] =
        "{\"at\": {\"column\": \"date\", \"format\": \"date\"}, \"nps\": \"score\"}";
    static const char bad_mapping[] =
        "{\"at\": {\"column\": \"when\", \"format\": \"date\"}, \"nps\": \"score\"}";

    CX_CHECK(cx_engine_new(plan, &engine) == CX_STATUS_OK);
    CX_CHECK(cx_engine_ingest_json(engine, json, strlen(json), &buf) == CX_STATUS_OK);
    CX_CHECK(strstr(buf.ptr, "\"accepted\":1,\"rejected\":1") != NULL);
    CX_CHECK(strstr(buf.ptr, "\"pointer\":\"/1/nps\"") != NULL);
    cx_buffer_free(&buf);
    CX_CHECK(cx_engine_ingest_json(engine, "[1,", 3, &buf) == CX_STATUS_PARSE_ERROR);
    CX_CHECK(cx_engine_ingest_json(engine, "\xff", 1, &buf) == CX_STATUS_INVALID_UTF8);
    CX_CHECK(cx_engine_ingest_json(engine, NULL, 0, &buf) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_ingest_json(NULL, json, 1, &buf) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_ingest_json(engine, json, 1, NULL) == CX_STATUS_NULL_ARGUMENT);

    CX_CHECK(cx_engine_ingest_json_lines(engine, lines, strlen(lines), &buf) == CX_STATUS_OK);
    CX_CHECK(strstr(buf.ptr, "\"total\":3,\"accepted\":1,\"rejected\":2") != NULL);
    CX_CHECK(strstr(buf.ptr, "\"line\":3") != NULL);
    CX_CHECK(strstr(buf.ptr, "\"line\":4") != NULL);
    cx_buffer_free(&buf);
    CX_CHECK(cx_engine_ingest_json_lines(engine, NULL, 0, &buf) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_ingest_json_lines(NULL, lines, 1, &buf) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_ingest_json_lines(engine, lines, 1, NULL) == CX_STATUS_NULL_ARGUMENT);

    CX_CHECK(cx_engine_ingest_csv(engine, csv, strlen(csv), mapping, strlen(mapping), &buf) ==
             CX_STATUS_OK);
    CX_CHECK(strstr(buf.ptr, "\"accepted\":2,\"rejected\":1") != NULL);
    CX_CHECK(strstr(buf.ptr, "\"reason\":\"detractor\"") != NULL);
    cx_buffer_free(&buf);
    CX_CHECK(cx_engine_ingest_csv(engine, csv, strlen(csv), bad_mapping, strlen(bad_mapping),
                                  &buf) == CX_STATUS_MAPPING_ERROR);
    CX_CHECK_STR_EQ(cx_last_error_code(), "missing-column");
    CX_CHECK(cx_engine_ingest_csv(engine, csv, strlen(csv), "{", 1, &buf) == CX_STATUS_PARSE_ERROR);
    CX_CHECK(cx_engine_ingest_csv(engine, csv, strlen(csv), "\xff", 1, &buf) ==
             CX_STATUS_INVALID_UTF8);
    CX_CHECK(cx_engine_ingest_csv(engine, NULL, 0, mapping, strlen(mapping), &buf) ==
             CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_ingest_csv(engine, csv, strlen(csv), NULL, 0, &buf) ==
             CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_ingest_csv(NULL, csv, 1, mapping, 1, &buf) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_ingest_csv(engine, csv, 1, mapping, 1, NULL) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(buf.ptr == NULL);

    /* Alerts kept by the engine: nps 4 from the CSV. */
    CX_CHECK(cx_engine_alerts(engine, &buf) == CX_STATUS_OK);
    CX_CHECK(count(buf.ptr, "\"reason\":") == 1);
    cx_buffer_free(&buf);
    CX_CHECK(cx_engine_alerts(NULL, &buf) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_alerts(engine, NULL) == CX_STATUS_NULL_ARGUMENT);
    cx_engine_free(engine);
    cx_plan_free(plan);
}

/* JSON Lines pushed in pieces split anywhere: the finished feed's report
   equals cx_engine_ingest_json_lines of the whole text, for every piece
   size; each push reports the lines it completed. */
static void test_json_lines_feed(void)
{
    cx_plan *plan = new_plan(PLAN);
    cx_buffer whole = {NULL, 0}, buf = {NULL, 0};
    cx_engine *one = NULL;
    static const char lines[] =
        "\xEF\xBB\xBF{\"id\": \"c1\", \"at\": \"2026-03-01\", \"nps\": 4, \"segment\": \"caf\xc3\xa9\"}\r\n"
        "\n"
        "{\"at\": \"2026-03-01\", \"nps\": 12}\n"
        "{oops\n"
        "{\"at\": \"2026-03-02\", \"nps\": 10}"; /* no final newline */
    size_t len = strlen(lines), size;

    CX_CHECK(cx_engine_new(plan, &one) == CX_STATUS_OK);
    CX_CHECK(cx_engine_ingest_json_lines(one, lines, len, &whole) == CX_STATUS_OK);
    CX_CHECK(strstr(whole.ptr, "\"total\":4,\"accepted\":2,\"rejected\":2") != NULL);
    cx_engine_free(one);

    for (size = 1; size <= len; size += (size < 8 ? 1 : 29)) {
        cx_engine *engine = NULL;
        cx_json_lines_feed *feed = NULL;
        size_t at;
        uint64_t pushed = 0;
        CX_CHECK(cx_engine_new(plan, &engine) == CX_STATUS_OK);
        CX_CHECK(cx_json_lines_feed_new(&feed) == CX_STATUS_OK);
        CX_CHECK(cx_json_lines_feed_line(feed) == 1);
        for (at = 0; at < len; at += size) {
            size_t n = len - at < size ? len - at : size;
            /* Every other push without a report. */
            cx_buffer *out = (at / size) % 2 == 0 ? &buf : NULL;
            CX_CHECK(cx_json_lines_feed_push(feed, engine, lines + at, n, out) == CX_STATUS_OK);
            if (out != NULL) {
                CX_CHECK(buf.ptr != NULL && strstr(buf.ptr, "\"total\":") != NULL);
                pushed += (uint64_t)(strstr(buf.ptr, "\"total\":0,") == NULL);
                cx_buffer_free(&buf);
            }
        }
        CX_CHECK(cx_json_lines_feed_line(feed) == 5);
        CX_CHECK(cx_json_lines_feed_push(feed, engine, NULL, 0, NULL) == CX_STATUS_OK);
        CX_CHECK(cx_json_lines_feed_finish(feed, engine, &buf) == CX_STATUS_OK);
        CX_CHECK(buf.len == whole.len && memcmp(buf.ptr, whole.ptr, whole.len) == 0);
        CX_CHECK(pushed <= 4);
        cx_buffer_free(&buf);
        /* A finished feed refuses more input. */
        CX_CHECK(cx_json_lines_feed_push(feed, engine, "{}", 2, NULL) == CX_STATUS_INVALID_ARGUMENT);
        CX_CHECK_STR_EQ(cx_last_error_code(), "finished-feed");
        CX_CHECK(cx_json_lines_feed_finish(feed, engine, &buf) == CX_STATUS_INVALID_ARGUMENT);
        CX_CHECK(buf.ptr == NULL);
        CX_CHECK(cx_json_lines_feed_line(feed) == 0);
        cx_json_lines_feed_free(feed);
        cx_engine_free(engine);
    }

    {
        cx_engine *engine = NULL;
        cx_json_lines_feed *feed = NULL;
        CX_CHECK(cx_engine_new(plan, &engine) == CX_STATUS_OK);
        CX_CHECK(cx_json_lines_feed_new(NULL) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_json_lines_feed_new(&feed) == CX_STATUS_OK);
        CX_CHECK(cx_json_lines_feed_push(NULL, engine, "{", 1, NULL) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_json_lines_feed_push(feed, NULL, "{", 1, NULL) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_json_lines_feed_push(feed, engine, NULL, 1, NULL) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_json_lines_feed_finish(feed, engine, NULL) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_json_lines_feed_finish(NULL, engine, &buf) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_json_lines_feed_finish(feed, NULL, &buf) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(buf.ptr == NULL);
        CX_CHECK(cx_json_lines_feed_line(NULL) == 0);
        /* Still usable after the refused calls; freeing unfinished drops the held line. */
        CX_CHECK(cx_json_lines_feed_push(feed, engine, "{\"at\": \"2026-03-0", 18, NULL) == CX_STATUS_OK);
        cx_json_lines_feed_free(feed);
        cx_json_lines_feed_free(NULL);
        cx_engine_free(engine);
    }
    cx_buffer_free(&whole);
    cx_plan_free(plan);
}

static void test_compare_snapshot_merge(void)
{
    cx_plan *plan = new_plan(PLAN);
    cx_engine *engine = NULL;
    cx_engine *restored = NULL;
    cx_engine *monthly = NULL;
    cx_buffer buf = {NULL, 0};
    cx_buffer snap = {NULL, 0};
    char *bad;
    char *p;
    static const char lines[] =
        "{\"at\": \"2026-03-01\", \"segment\": \"a\", \"nps\": 10}\n"
        "{\"at\": \"2026-03-01\", \"segment\": \"a\", \"nps\": 9}\n"
        "{\"at\": \"2026-03-01\", \"segment\": \"b\", \"nps\": 2}\n"
        "{\"at\": \"2026-03-01\", \"segment\": \"b\", \"nps\": 8}\n";
    static const char cmp[] =
        "{\"a\": {\"filters\": {\"segment\": [\"a\"]}}, \"b\": {\"filters\": {\"segment\": [\"b\"]}},"
        " \"npsMethod\": \"wald\", \"level\": 0.9}";
    static const char nps_query[] = "{\"metrics\": [\"nps\"]}";
    static const char bad_level[] = "{\"a\": {}, \"b\": {}, \"level\": 2}";
    static const char monthly_cfg[] = "{\"cube\": {\"granularity\": \"month\"}}";

    CX_CHECK(cx_engine_new(plan, &engine) == CX_STATUS_OK);
    CX_CHECK(cx_engine_ingest_json_lines(engine, lines, strlen(lines), &buf) == CX_STATUS_OK);
    cx_buffer_free(&buf);

    /* a: NPS 100 (n 2); b: NPS -50 (n 2): delta 150. */
    CX_CHECK(cx_engine_compare(engine, cmp, strlen(cmp), &buf) == CX_STATUS_OK);
    CX_CHECK(absd(number_after(buf.ptr, "\"nps\":{", "delta") - 150.0) < 1e-9);
    CX_CHECK(strstr(buf.ptr, "\"level\":0.9") != NULL);
    cx_buffer_free(&buf);
    CX_CHECK(cx_engine_compare(engine, bad_level, strlen(bad_level), &buf) ==
             CX_STATUS_QUERY_ERROR);
    CX_CHECK_STR_EQ(cx_last_error_path(), "/level");
    CX_CHECK(cx_engine_compare(engine, "{\"a\": {}}", 9, &buf) == CX_STATUS_PARSE_ERROR);
    CX_CHECK(cx_engine_compare(engine, "\xff", 1, &buf) == CX_STATUS_INVALID_UTF8);
    CX_CHECK(cx_engine_compare(NULL, cmp, 1, &buf) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_compare(engine, NULL, 1, &buf) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_compare(engine, cmp, 1, NULL) == CX_STATUS_NULL_ARGUMENT);

    /* Snapshot, restore, merge back: every count doubles. */
    CX_CHECK(cx_engine_snapshot(engine, &snap) == CX_STATUS_OK);
    CX_CHECK(strstr(snap.ptr, "\"format\":\"cx-snapshot\"") != NULL);
    CX_CHECK(cx_engine_restore(snap.ptr, snap.len, &restored) == CX_STATUS_OK);
    CX_CHECK(cx_engine_merge(engine, restored) == CX_STATUS_OK);
    CX_CHECK(cx_engine_query(engine, nps_query, strlen(nps_query), &buf) == CX_STATUS_OK);
    CX_CHECK(number_after(buf.ptr, "\"nps\":{", "n") == 8.0);
    cx_buffer_free(&buf);
    CX_CHECK(cx_engine_merge(engine, engine) == CX_STATUS_INVALID_ARGUMENT);
    CX_CHECK(cx_engine_merge(NULL, restored) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_merge(engine, NULL) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_new_with_config(plan, monthly_cfg, strlen(monthly_cfg), &monthly) == CX_STATUS_OK);
    CX_CHECK(cx_engine_merge(engine, monthly) == CX_STATUS_INCOMPATIBLE);
    CX_CHECK_STR_EQ(cx_last_error_code(), "incompatible-engines");

    /* Snapshot errors. */
    bad = malloc(snap.len + 1);
    memcpy(bad, snap.ptr, snap.len + 1);
    p = strstr(bad, "\"version\":3");
    CX_CHECK(p != NULL);
    if (p != NULL)
        p[10] = '7';
    cx_engine_free(restored);
    restored = NULL;
    CX_CHECK(cx_engine_restore(bad, snap.len, &restored) == CX_STATUS_INVALID_SNAPSHOT);
    CX_CHECK_STR_EQ(cx_last_error_path(), "/version");
    CX_CHECK(cx_engine_restore(bad, 10, &restored) == CX_STATUS_PARSE_ERROR);
    CX_CHECK(cx_engine_restore("\xff", 1, &restored) == CX_STATUS_INVALID_UTF8);
    CX_CHECK(cx_engine_restore(NULL, 1, &restored) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_restore(snap.ptr, snap.len, NULL) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(restored == NULL);
    CX_CHECK(cx_engine_snapshot(NULL, &buf) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_snapshot(engine, NULL) == CX_STATUS_NULL_ARGUMENT);

    /* The compact stream: binary, smaller than the document, restores to
       the same answers; a cut stream is an invalid snapshot. */
    {
        cx_buffer stream = {NULL, 0};
        cx_buffer again = {NULL, 0};
        cx_engine *streamed = NULL;
        CX_CHECK(cx_engine_snapshot_stream(engine, &stream) == CX_STATUS_OK);
        CX_CHECK(stream.len > 8 && memcmp(stream.ptr, "CXSNAP", 6) == 0);
        CX_CHECK(stream.len < snap.len);
        CX_CHECK(cx_engine_restore(stream.ptr, stream.len, &streamed) == CX_STATUS_OK);
        CX_CHECK(cx_engine_query(streamed, nps_query, strlen(nps_query), &buf) == CX_STATUS_OK);
        CX_CHECK(number_after(buf.ptr, "\"nps\":{", "n") == 8.0);
        cx_buffer_free(&buf);
        CX_CHECK(cx_engine_snapshot_stream(streamed, &again) == CX_STATUS_OK);
        CX_CHECK(again.len == stream.len && memcmp(again.ptr, stream.ptr, stream.len) == 0);
        cx_engine_free(streamed);
        streamed = NULL;
        CX_CHECK(cx_engine_restore(stream.ptr, stream.len - 3, &streamed) ==
                 CX_STATUS_INVALID_SNAPSHOT);
        CX_CHECK_STR_EQ(cx_last_error_code(), "invalid-snapshot");
        CX_CHECK(streamed == NULL);
        CX_CHECK(cx_engine_snapshot_stream(NULL, &stream) == CX_STATUS_NULL_ARGUMENT);
        CX_CHECK(cx_engine_snapshot_stream(engine, NULL) == CX_STATUS_NULL_ARGUMENT);
        cx_buffer_free(&again);
        cx_buffer_free(&stream);
    }
    free(bad);
    cx_buffer_free(&snap);
    cx_engine_free(monthly);
    cx_engine_free(engine);
    cx_plan_free(plan);
}

/* The bytes of a file (NUL-terminated copy in *out, length returned), or
   -1 when it cannot be read. */
static long read_file(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    long n = -1;
    *out = NULL;
    if (f == NULL)
        return -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        *out = malloc((size_t)n + 1);
        if (*out == NULL || fread(*out, 1, (size_t)n, f) != (size_t)n)
            n = -1;
        else
            (*out)[n] = 0;
    }
    fclose(f);
    return n;
}

/* Entries of a directory other than "." and "..". */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* cx_engine_snapshot_file: written atomically, restores to the same
   answers, overwrites an older snapshot whole, and a failure (a missing
   directory) leaves nothing behind and says the file was not created. */
static void test_snapshot_file(void)
{
    static const char lines[] = "{\"at\": \"2026-03-01\", \"nps\": 9}\n"
                                "{\"at\": \"2026-03-02\", \"nps\": 3}\n";
    static const char nps_query[] = "{\"metrics\": [\"nps\"]}";
    char dir[] = "/tmp/cx-test-snapshot-file-XXXXXX";
    char path[128], missing[160];
    cx_plan *plan = new_plan(PLAN);
    cx_engine *engine = NULL, *restored = NULL;
    cx_buffer report = {NULL, 0};
    cx_buffer stream = {NULL, 0}, buf = {NULL, 0};
    char *bytes = NULL;
    long n;

    CX_CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/engine.snap", dir);
    snprintf(missing, sizeof missing, "%s/no-such-dir/engine.snap", dir);
    CX_CHECK(cx_engine_new(plan, &engine) == CX_STATUS_OK);

    /* An empty engine's snapshot first, then the same file overwritten
       with a snapshot of two responses: the file is the new stream, byte
       for byte, and nothing else is left in the directory. */
    CX_CHECK(cx_engine_snapshot_file(engine, path) == CX_STATUS_OK);
    CX_CHECK(entries(dir) == 1);
    CX_CHECK(cx_engine_ingest_json_lines(engine, lines, strlen(lines), &report) == CX_STATUS_OK);
    CX_CHECK(number_after(report.ptr, "{", "accepted") == 2.0);
    cx_buffer_free(&report);
    CX_CHECK(cx_engine_snapshot_file(engine, path) == CX_STATUS_OK);
    CX_CHECK(cx_engine_snapshot_stream(engine, &stream) == CX_STATUS_OK);
    n = read_file(path, &bytes);
    CX_CHECK(n == (long)stream.len && bytes != NULL && memcmp(bytes, stream.ptr, stream.len) == 0);
    CX_CHECK(entries(dir) == 1);

    /* Restored from the file's bytes: the same answers. */
    CX_CHECK(bytes != NULL &&
             cx_engine_restore(bytes, (size_t)n, &restored) == CX_STATUS_OK);
    CX_CHECK(cx_engine_query(restored, nps_query, strlen(nps_query), &buf) == CX_STATUS_OK);
    CX_CHECK(number_after(buf.ptr, "\"nps\":{", "n") == 2.0);
    cx_buffer_free(&buf);

    /* A missing directory: a write error naming the file, nothing created,
       the old file intact. */
    CX_CHECK(cx_engine_snapshot_file(engine, missing) == CX_STATUS_WRITE_ERROR);
    CX_CHECK(CX_STATUS_WRITE_ERROR == 12);
    CX_CHECK_STR_EQ(cx_status_str(CX_STATUS_WRITE_ERROR), "write error");
    CX_CHECK_STR_EQ(cx_last_error_code(), "write-error");
    CX_CHECK(strstr(cx_last_error_message(), missing) != NULL);
    CX_CHECK(strstr(cx_last_error_message(), "was not created") != NULL);
    CX_CHECK(entries(dir) == 1);
    free(bytes);
    n = read_file(path, &bytes);
    CX_CHECK(n == (long)stream.len && bytes != NULL && memcmp(bytes, stream.ptr, stream.len) == 0);

    CX_CHECK(cx_engine_snapshot_file(NULL, path) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_snapshot_file(engine, NULL) == CX_STATUS_NULL_ARGUMENT);
    CX_CHECK(cx_engine_snapshot_file(engine, "\xff") == CX_STATUS_INVALID_UTF8);

    CX_CHECK(remove(path) == 0);
    CX_CHECK(rmdir(dir) == 0);
    free(bytes);
    cx_buffer_free(&stream);
    cx_engine_free(restored);
    cx_engine_free(engine);
    cx_plan_free(plan);
}

int main(void)
{
    cx_response_init(NULL); /* NULL does nothing */
    test_version_and_status();
    test_plan();
    test_engine_new();
    test_ingest_responses_and_query();
    test_text_ingest();
    test_json_lines_feed();
    test_compare_snapshot_merge();
    test_snapshot_file();
    return cx_test_done();
}
