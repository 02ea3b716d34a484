/*
 * A call-centre integration of cx (SPEC §6, journey 3).
 *
 * After every call, the post-call survey goes in as a cx_response; the
 * alerts it raises (detractor, unhappy or high-effort customer) come back
 * in the same call and would open a follow-up ticket. At the end of the
 * shift the scorecard per team is printed and a snapshot taken.
 *
 *   callcentre [PLAN.json]     (default: ../data/plan.json, the sample plan)
 *
 * Build: gcc -std=c11 $(pkg-config --cflags cx) callcentre.c $(pkg-config --libs cx)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx.h"

/* Reads a whole file; the caller frees it. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long size;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        text = malloc((size_t)size + 1);
        if (text != NULL && fread(text, 1, (size_t)size, f) == (size_t)size) {
            text[size] = '\0';
            *len = (size_t)size;
        } else {
            free(text);
            text = NULL;
        }
    }
    fclose(f);
    return text;
}

static int fail(const char *what, cx_status status)
{
    fprintf(stderr, "%s: %s (%s at '%s'): %s\n", what, cx_status_str((int)status),
            cx_last_error_code(), cx_last_error_path(), cx_last_error_message());
    return 1;
}

/* One finished call and its post-call survey. */
struct call {
    const char *id;
    const char *team;
    const char *agent;
    int16_t nps, csat, ces;
    int8_t wait_time, courtesy;
};

static const struct call CALLS[] = {
    {"call-1001", "north", "north-ana", 10, 5, 7, 4, 5},
    {"call-1002", "north", "north-ben", 9, 4, 6, 3, 5},
    {"call-1003", "south", "south-eva", 3, 2, 2, 1, 3},  /* unhappy: alerts */
    {"call-1004", "south", "south-eva", 8, 4, -1, 3, 4}, /* CES not asked */
    {"call-1005", "north", "north-ana", 6, 3, 5, 2, 4},  /* detractor */
    {"call-1006", "south", "south-tom", 10, 5, 7, 5, 5},
    {"call-1007", "north", "north-ben", 12, 5, 7, 5, 5}, /* typo: off-scale, rejected */
};

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "../data/plan.json";
    size_t len = 0, i;
    char *json = read_file(path, &len);
    cx_plan *plan = NULL;
    cx_engine *engine = NULL;
    cx_buffer buf = {NULL, 0};
    cx_status s;
    static const char query[] = "{\"metrics\": [\"nps\", \"csat\", \"ces\"], \"groupBy\": [\"team\"]}";
    const int64_t start = 1772359200; /* 2026-03-01T10:00:00Z */

    printf("cx %s, plan %s\n", cx_version(), path);
    if (json == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    s = cx_plan_new(json, len, &plan);
    free(json);
    if (s != CX_STATUS_OK)
        return fail("plan", s);
    s = cx_engine_new(plan, &engine);
    cx_plan_free(plan);
    if (s != CX_STATUS_OK)
        return fail("engine", s);

    for (i = 0; i < sizeof CALLS / sizeof CALLS[0]; i++) {
        const struct call *c = &CALLS[i];
        cx_attribute ratings[2];
        cx_response row;
        const char *alerts;

        ratings[0].id = "wait-time";
        ratings[0].value = c->wait_time;
        ratings[1].id = "courtesy";
        ratings[1].value = c->courtesy;
        cx_response_init(&row);
        row.id = c->id;
        row.at = start + (int64_t)i * 900;
        row.touchpoint = "contact-centre";
        row.channel = "phone";
        row.team = c->team;
        row.employee = c->agent;
        row.nps = c->nps;
        row.csat = c->csat;
        row.ces = c->ces;
        row.attributes = ratings;
        row.attributes_len = 2;

        s = cx_engine_ingest_responses(engine, &row, 1, &buf);
        if (s != CX_STATUS_OK) {
            cx_engine_free(engine);
            return fail("ingest", s);
        }
        /* A real integration parses the JSON; here: was it rejected, and
         * which alerts should open a ticket? */
        printf("%s: %s\n", c->id, strstr(buf.ptr, "\"rejected\":1") ? "REJECTED" : "ok");
        if (strstr(buf.ptr, "\"rejected\":1"))
            printf("  report: %s\n", buf.ptr);
        alerts = strstr(buf.ptr, "\"alerts\":[{");
        if (alerts != NULL)
            printf("  ALERT -> open follow-up ticket: %s\n", alerts + 9);
        cx_buffer_free(&buf);
    }

    s = cx_engine_query(engine, query, strlen(query), &buf);
    if (s != CX_STATUS_OK) {
        cx_engine_free(engine);
        return fail("query", s);
    }
    printf("scorecard by team: %s\n", buf.ptr);
    cx_buffer_free(&buf);

    s = cx_engine_snapshot(engine, &buf);
    if (s == CX_STATUS_OK)
        printf("nightly snapshot: %zu bytes\n", buf.len);
    cx_buffer_free(&buf);
    cx_engine_free(engine);
    return s == CX_STATUS_OK ? 0 : fail("snapshot", s);
}
