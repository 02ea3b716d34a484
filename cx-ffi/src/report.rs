//! Reports (JSON, Markdown, HTML; SPEC §3.5) — not exported yet.
//!
//! When cx-core's analysis module lands, the report exports go here,
//! following the conventions of the other modules:
//!
//! ```c
//! cx_status cx_engine_report_json(const cx_engine *, const char *options_json, size_t len, cx_buffer *out);
//! cx_status cx_engine_report_markdown(const cx_engine *, const char *options_json, size_t len, cx_buffer *out);
//! cx_status cx_engine_report_html(const cx_engine *, const char *options_json, size_t len, cx_buffer *out);
//! ```
//!
//! Read-only calls (take the engine's read lock, like `cx_engine_query`);
//! failures map to the existing status codes (`CX_STATUS_PARSE_ERROR`,
//! `CX_STATUS_QUERY_ERROR`) or a new one appended after the last code.
