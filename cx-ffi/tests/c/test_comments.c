/*
 * Issue #20 from C: the `comment` of `cx_response` (NULL is none), scored
 * for sentiment and the plan's themes through cx_engine_ingest_rows; a
 * theme marked "alert" raises CX_ALERT_REASON_COMMENT_THEME; a comment
 * over limits.maxCommentBytes rejects its row at /comment; then
 * cx_engine_query reads the `sentiment` and `theme:delay` metrics.
 *
 * Texts whose class is plain (vaderSentiment 3.3.2 polarity_scores, with
 * compound >= 0.05 positive, <= -0.05 negative): 3 positive, 2 negative,
 * 1 neutral, so the net sentiment is (3 - 2) / 6 = 16.67 points; "delay"
 * is mentioned by 2 of the 6 comments (33.33%), both negative (net -100).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx.h"
#include "cx_test.h"

#define MARCH_1 1772323200

static const char PLAN[] =
    "{\"schemaVersion\": 1, \"organization\": {\"name\": \"Air\"},"
    " \"themes\": [{\"id\": \"delay\", \"terms\": [\"delay*\", \"late\"]},"
    "  {\"id\": \"staff\", \"terms\": [\"staff\", \"crew\"], \"alert\": true}],"
    " \"thresholds\": {\"alerts\": {\"detractor\": false}}}";

static const char *const COMMENTS[7] = {
    "Great service, thank you!",
    "The flight was delayed and it was awful.",
    "I love the new seats :)",
    "The flight left at noon.",
    "Very good food and a nice crew.",
    "Late again, terrible.",
    NULL,
};

int main(void)
{
    cx_plan *plan = NULL;
    cx_engine *engine = NULL;
    cx_ingest_result *result = NULL;
    const cx_alert *alerts = NULL;
    cx_buffer card = {NULL, 0};
    cx_response rows[8];
    char *long_comment = malloc(9000);
    uint64_t total = 0, accepted = 0, rejected = 0;
    size_t i, n_alerts;
    static const char QUERY[] = "{\"metrics\": [\"sentiment\", \"theme:delay\", \"nps\"]}";

    CX_CHECK(long_comment != NULL);
    memset(long_comment, 'a', 8999);
    long_comment[8999] = 0;
    CX_CHECK(cx_plan_new(PLAN, strlen(PLAN), &plan) == CX_STATUS_OK);
    CX_CHECK(cx_engine_new(plan, &engine) == CX_STATUS_OK);
    for (i = 0; i < 8; i++) {
        cx_response_init(&rows[i]);
        CX_CHECK(rows[i].comment == NULL);
        rows[i].at = MARCH_1 + (int64_t)i * 60;
        rows[i].comment = i < 7 ? COMMENTS[i] : long_comment;
    }
    rows[0].nps = 10; /* the only rated row */
    CX_CHECK(cx_engine_ingest_rows(engine, rows, 8, &result) == CX_STATUS_OK);
    cx_ingest_result_counts(result, &total, &accepted, &rejected);
    CX_CHECK(total == 8 && accepted == 7 && rejected == 1);
    /* "crew" (row 4) mentions the alert theme "staff". */
    n_alerts = cx_ingest_result_alerts(result, &alerts);
    CX_CHECK(n_alerts == 1);
    if (n_alerts == 1) {
        CX_CHECK(alerts[0].reason == CX_ALERT_REASON_COMMENT_THEME);
        CX_CHECK(alerts[0].index == 4);
    }
    {
        cx_buffer report = {NULL, 0};
        CX_CHECK(cx_ingest_result_json(result, &report) == CX_STATUS_OK);
        CX_CHECK(report.ptr != NULL && strstr(report.ptr, "\"index\":7,\"pointer\":\"/comment\",\"code\":\"comment-too-long\"") != NULL);
        CX_CHECK(report.ptr != NULL && strstr(report.ptr, "\"theme\":\"staff\"") != NULL);
        cx_buffer_free(&report);
    }
    cx_ingest_result_free(result);
    CX_CHECK(cx_engine_query(engine, QUERY, strlen(QUERY), &card) == CX_STATUS_OK);
    CX_CHECK(card.ptr != NULL);
    if (card.ptr != NULL) {
        CX_CHECK(fabs(number_after(card.ptr, "\"sentiment\":", "value") - 100.0 / 6.0) < 1e-9);
        CX_CHECK(number_after(card.ptr, "\"sentiment\":", "n") == 6.0);
        CX_CHECK(number_after(card.ptr, "\"sentiment\":", "negative") == 2.0);
        CX_CHECK(number_after(card.ptr, "\"sentiment\":", "positive") == 3.0);
        CX_CHECK(fabs(number_after(card.ptr, "\"theme:delay\":", "value") - 100.0 / 3.0) < 1e-9);
        CX_CHECK(number_after(card.ptr, "\"theme:delay\":", "netSentiment") == -100.0);
        /* A comment changes no other score's n. */
        CX_CHECK(number_after(card.ptr, "\"nps\":", "n") == 1.0);
    }
    cx_buffer_free(&card);
    free(long_comment);
    cx_engine_free(engine);
    cx_plan_free(plan);
    return cx_test_done();
}
