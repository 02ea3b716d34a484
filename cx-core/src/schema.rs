//! JSON Schemas of every document type.
