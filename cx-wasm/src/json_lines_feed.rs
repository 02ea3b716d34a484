//! The `JsonLinesFeed` class: JSON Lines pushed into an engine in pieces
//! split anywhere (`engine.jsonLinesFeed()`).

use std::cell::RefCell;
use std::rc::Rc;

use cx_core::engine::Engine;
use wasm_bindgen::prelude::*;

use crate::convert::text_bytes;
use crate::engine::{live_engine, report_js};
use crate::errors::{finished_feed, limit_error};

/// JSON Lines pushed in pieces into an engine (`engine.jsonLinesFeed()`).
#[wasm_bindgen(js_name = JsonLinesFeed)]
pub struct JsJsonLinesFeed {
    pub(crate) engine: Rc<RefCell<Option<Engine>>>,
    /// `None` once `finish()` was called.
    pub(crate) feed: Option<cx_core::engine::JsonLinesFeed>,
}

#[wasm_bindgen(js_class = JsonLinesFeed)]
impl JsJsonLinesFeed {
    /// Feeds the next piece (a string or UTF-8 bytes, split anywhere, even
    /// inside a character): files the lines it completes and returns their
    /// report; positions (`index`, `line`) count from the start of the
    /// input. Throws `finished-feed` after `finish()` and `freed-engine`
    /// when the engine was freed.
    #[wasm_bindgen(unchecked_return_type = "IngestReport")]
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] chunk: JsValue,
    ) -> Result<JsValue, JsValue> {
        let bytes = text_bytes(&chunk, "chunk")?;
        let feed = self.feed.as_mut().ok_or_else(finished_feed)?;
        let report = feed
            .push(&mut *live_engine(&self.engine)?, &bytes)
            .map_err(|e| limit_error(&e))?;
        report_js(&report)
    }

    /// Ends the input: files its last line (one without a final newline)
    /// and returns the report of the whole input. Throws `finished-feed`
    /// when called twice and `freed-engine` when the engine was freed.
    #[wasm_bindgen(unchecked_return_type = "IngestReport")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let mut engine = live_engine(&self.engine)?;
        let feed = self.feed.take().ok_or_else(finished_feed)?;
        report_js(&feed.finish(&mut engine).map_err(|e| limit_error(&e))?)
    }

    /// The 1-based line the next byte belongs to.
    #[wasm_bindgen(getter)]
    pub fn line(&self) -> f64 {
        self.feed.as_ref().map_or(0.0, |f| f.line() as f64)
    }
}
