//! Comments in the engine: what a record's comment adds to the statistics
//! (its sentiment class, compound and themes, per cell), the verbatims kept
//! per theme, and the checks of a comment field.
//!
//! A comment is scored once, at ingest, by the plan's
//! [`CommentAnalyzer`] (VADER with the plan's `lexicon`, the plan's
//! `themes`), and filed in a [`CommentStats`] of the record's cell key, in
//! a map beside the ordinary cells: data without comments has no comment
//! cell, so its footprint is unchanged. Each theme keeps the newest
//! `limits.maxVerbatims` of its comments ([`Verbatims`]), by one total
//! order, so every ingest path and every merge keep the same ones.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::cells::{CellKey, CellMap, CellRecords, HeapBytes};
use super::ingest::{field_error, FieldError};
use super::snapshot::{bad, count};
use super::EngineError;
use crate::comment::themes::ThemeMatcher;
use crate::comment::vader::Vader;
use crate::comment::{
    compound_units, CommentStats, Polarity, SentimentClass, ThemeStats, Verbatim,
};
use crate::comment::{ClassCounts, GroupCounts, COMPOUND_SCALE};
use crate::error::ErrorCode;
use crate::plan::Plan;
use crate::record::Timestamp;

impl CellRecords for CommentStats {
    fn records(&self) -> u64 {
        self.comments()
    }
}

impl HeapBytes for CommentStats {
    fn heap_bytes(&self) -> usize {
        self.themes.capacity() * std::mem::size_of::<ThemeStats>()
    }
}

/// What the plan says about comments, compiled once per engine: the
/// sentiment method with the plan's lexicon, the theme matcher, the themes
/// that raise an alert and the compound alert threshold.
#[derive(Debug)]
pub struct CommentAnalyzer {
    /// VADER with the plan's overrides (`None`: VADER's own lexicons).
    vader: Option<Vader>,
    themes: ThemeMatcher,
    alert_themes: Vec<bool>,
    compound_at_most: Option<f64>,
}

/// What the analysis of one comment found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommentFacts {
    /// The VADER scores.
    pub polarity: Polarity,
    /// The plan index of every theme mentioned, increasing.
    pub themes: Vec<u32>,
}

impl CommentFacts {
    /// The sentiment class.
    pub fn class(&self) -> SentimentClass {
        SentimentClass::of(self.polarity.compound)
    }
}

impl CommentAnalyzer {
    /// The analyzer of `plan`.
    pub fn new(plan: &Plan) -> CommentAnalyzer {
        CommentAnalyzer {
            vader: (!plan.lexicon.is_empty()).then(|| Vader::with_overrides(&plan.lexicon)),
            themes: ThemeMatcher::new(&plan.themes),
            alert_themes: plan.themes.iter().map(|t| t.alert).collect(),
            compound_at_most: plan.thresholds.alerts.comment_compound_at_most,
        }
    }

    /// Scores `text` into `out` (its theme list reused).
    pub fn analyze(&self, text: &str, out: &mut CommentFacts) {
        out.polarity = self
            .vader
            .as_ref()
            .unwrap_or_else(|| Vader::standard())
            .polarity_scores(text);
        out.themes.clear();
        self.themes.matches(text, &mut out.themes);
    }

    /// Whether theme `theme` raises an alert.
    pub fn alerts_on(&self, theme: u32) -> bool {
        self.alert_themes
            .get(theme as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Whether a comment of compound `compound` raises an alert
    /// (`thresholds.alerts.commentCompoundAtMost`).
    pub fn too_negative(&self, compound: f64) -> bool {
        self.compound_at_most.is_some_and(|t| compound <= t)
    }
}

/// The comment of a record checked: `None` when absent or blank (only
/// whitespace), the text otherwise, or the error of field `pointer`: not
/// UTF-8, or longer than `max` bytes (`limits.maxCommentBytes`).
pub(crate) fn check_comment<'a>(
    bytes: Option<&'a [u8]>,
    max: usize,
    pointer: &str,
) -> Result<Option<&'a str>, FieldError> {
    let Some(bytes) = bytes else {
        return Ok(None);
    };
    if bytes.len() > max {
        return Err(field_error(
            pointer,
            ErrorCode::CommentTooLong,
            format!(
                "`comment` has {} bytes, but limits.maxCommentBytes allows at most {max}",
                bytes.len()
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        field_error(
            pointer,
            ErrorCode::InvalidUtf8,
            format!(
                "`comment` is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })?;
    Ok((!text.trim().is_empty()).then_some(text))
}

/// Adds one analysed comment to a cell's statistics; `nps` is the record's
/// NPS rating (or a value above 10 for none).
pub(crate) fn add_comment(stats: &mut CommentStats, facts: &CommentFacts, nps: u8) {
    let class = facts.class();
    let units = i128::from(compound_units(facts.polarity.compound));
    stats.classes.add(class);
    stats.compound = stats.compound.saturating_add(units);
    stats.groups.add(nps);
    for &t in &facts.themes {
        let s = stats.theme_mut(t);
        s.classes.add(class);
        s.compound = s.compound.saturating_add(units);
        s.groups.add(nps);
    }
}

/// The compound of one comment in fixed point is within ±this.
const COMPOUND_UNITS: i32 = COMPOUND_SCALE as i32;

/// What a snapshot's comment statistics must say (at `p`): every count at
/// most 2^53, the NPS groups within the comments, the compound sum within
/// ±10,000 units per comment, themes sorted by index, each a theme of the
/// plan (`themes` of them), and each theme's counts within the cell's.
pub(crate) fn check_stats(c: &CommentStats, themes: usize, p: &str) -> Result<(), EngineError> {
    let classes = |k: &ClassCounts, at: &str| -> Result<u64, EngineError> {
        count(k.negative, || format!("{at}/classes/negative"))?;
        count(k.neutral, || format!("{at}/classes/neutral"))?;
        count(k.positive, || format!("{at}/classes/positive"))?;
        Ok(k.total())
    };
    let within = |g: &GroupCounts, compound: i128, n: u64, at: &str| {
        let grouped = g
            .detractors
            .saturating_add(g.passives)
            .saturating_add(g.promoters);
        if grouped > n {
            return Err(bad(
                format!("{at}/groups"),
                format!("{grouped} comments by NPS group, more than the {n} comments"),
            ));
        }
        if compound.unsigned_abs() > u128::from(n) * COMPOUND_SCALE as u128 {
            return Err(bad(
                format!("{at}/compound"),
                format!("a compound sum of {compound} units, more than {n} comments can have"),
            ));
        }
        Ok(())
    };
    let n = classes(&c.classes, p)?;
    within(&c.groups, c.compound, n, p)?;
    let mut previous: Option<u32> = None;
    for (i, t) in c.themes.iter().enumerate() {
        let at = format!("{p}/themes/{i}");
        if t.theme as usize >= themes || previous.is_some_and(|q| q >= t.theme) {
            return Err(bad(
                format!("{at}/theme"),
                format!(
                    "theme {} is not a theme of the plan's {themes}, in increasing order",
                    t.theme
                ),
            ));
        }
        previous = Some(t.theme);
        let m = classes(&t.classes, &at)?;
        let k = &t.classes;
        if k.negative > c.classes.negative
            || k.neutral > c.classes.neutral
            || k.positive > c.classes.positive
        {
            return Err(bad(
                format!("{at}/classes"),
                format!("{m} mentions by class, more than the cell's comments of that class"),
            ));
        }
        within(&t.groups, t.compound, m, &at)?;
        let g = &t.groups;
        if g.detractors > c.groups.detractors
            || g.passives > c.groups.passives
            || g.promoters > c.groups.promoters
        {
            return Err(bad(
                format!("{at}/groups"),
                "mentions by NPS group, more than the cell's comments of that group",
            ));
        }
    }
    Ok(())
}

/// A kept verbatim in the order of [`Verbatims`]: newest first, then by
/// record id (an absent id first), then by text, then by compound.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Newest(Verbatim);

impl Ord for Newest {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let (a, b) = (&self.0, &other.0);
        b.at.cmp(&a.at)
            .then_with(|| a.record_id.cmp(&b.record_id))
            .then_with(|| a.text.cmp(&b.text))
            .then_with(|| a.compound.cmp(&b.compound))
    }
}

impl PartialOrd for Newest {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One change of a transaction, to undo it.
#[derive(Debug, Clone)]
enum Undo {
    Inserted(u32, Newest),
    Evicted(u32, Newest),
}

/// The verbatims kept per theme: the first `max` of its comments in the
/// order of [`Newest`] (the newest by `at`, ties by record id then text).
/// A comment seen twice (the same record ingested twice) is kept once.
/// Journaled like the cell maps: a failed call keeps none of its
/// verbatims.
#[derive(Debug, Clone, Default)]
pub(crate) struct Verbatims {
    themes: Vec<BTreeSet<Newest>>,
    max: usize,
    bytes: usize,
    journal: Option<Vec<Undo>>,
}

impl PartialEq for Verbatims {
    fn eq(&self, other: &Self) -> bool {
        self.themes == other.themes
    }
}

impl Verbatims {
    /// No verbatim yet, for `themes` themes keeping `max` each.
    pub fn new(themes: usize, max: usize) -> Verbatims {
        Verbatims {
            themes: vec![BTreeSet::new(); themes],
            max,
            ..Verbatims::default()
        }
    }

    /// Heap bytes of the kept texts and ids (with the set's nodes).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    fn size(v: &Verbatim) -> usize {
        std::mem::size_of::<Verbatim>() * 3 / 2
            + v.text.capacity()
            + v.record_id.as_ref().map_or(0, String::capacity)
    }

    /// Offers a comment to theme `theme`'s sample: kept when it is among
    /// the first `max` (an older one then leaves).
    pub fn offer(&mut self, theme: u32, v: Verbatim) {
        let (Some(set), max) = (self.themes.get_mut(theme as usize), self.max) else {
            return;
        };
        let v = Newest(v);
        if set.len() >= max && set.last().is_none_or(|last| v >= *last) {
            return;
        }
        if set.contains(&v) {
            return;
        }
        self.bytes += Verbatims::size(&v.0);
        set.insert(v.clone());
        if let Some(j) = &mut self.journal {
            j.push(Undo::Inserted(theme, v));
        }
        if set.len() > max {
            if let Some(old) = set.pop_last() {
                self.bytes -= Verbatims::size(&old.0);
                if let Some(j) = &mut self.journal {
                    j.push(Undo::Evicted(theme, old));
                }
            }
        }
    }

    /// Theme `theme`'s verbatims, newest first.
    pub fn of(&self, theme: u32) -> Vec<Verbatim> {
        self.themes
            .get(theme as usize)
            .map(|s| s.iter().map(|v| v.0.clone()).collect())
            .unwrap_or_default()
    }

    /// Every theme's verbatims, in plan order, each newest first; empty
    /// when no theme keeps any (what a snapshot writes).
    pub fn kept(&self) -> Vec<Vec<Verbatim>> {
        if self.themes.iter().all(BTreeSet::is_empty) {
            return Vec::new();
        }
        (0..self.themes.len() as u32).map(|t| self.of(t)).collect()
    }

    /// Offers every verbatim of `other`.
    pub fn merge(&mut self, other: &Verbatims) {
        for (t, set) in other.themes.iter().enumerate() {
            for v in set {
                self.offer(t as u32, v.0.clone());
            }
        }
    }

    /// Starts journaling.
    pub fn begin(&mut self) {
        self.journal = Some(Vec::new());
    }

    /// Keeps the transaction's changes.
    pub fn commit(&mut self) {
        self.journal = None;
    }

    /// Undoes the transaction's changes.
    pub fn rollback(&mut self) {
        let Some(journal) = self.journal.take() else {
            return;
        };
        for undo in journal.into_iter().rev() {
            match undo {
                Undo::Inserted(t, v) => {
                    if self.themes[t as usize].remove(&v) {
                        self.bytes -= Verbatims::size(&v.0);
                    }
                }
                Undo::Evicted(t, v) => {
                    self.bytes += Verbatims::size(&v.0);
                    self.themes[t as usize].insert(v);
                }
            }
        }
    }
}

/// The comment statistics of an engine: customer and employee comments
/// per cell key, the verbatims per theme, and the plan's analyzer.
#[derive(Debug, Clone)]
pub(crate) struct Comments {
    /// Customer comments, keyed as the customer-response cells.
    pub responses: CellMap<CommentStats>,
    /// Employee comments, keyed as the employee cells.
    pub employees: CellMap<CommentStats>,
    /// The verbatims of the customer comments, per theme.
    pub verbatims: Verbatims,
    /// The plan's analyzer (shared by clones of the engine).
    pub analyzer: Arc<CommentAnalyzer>,
    /// The last comment's facts (a buffer reused per row).
    pub facts: CommentFacts,
}

impl PartialEq for Comments {
    fn eq(&self, other: &Self) -> bool {
        self.responses == other.responses
            && self.employees == other.employees
            && self.verbatims == other.verbatims
    }
}

impl Comments {
    /// No comment yet, for `plan` keeping `max_verbatims` per theme.
    pub fn new(plan: &Plan, max_verbatims: usize) -> Comments {
        Comments {
            responses: CellMap::default(),
            employees: CellMap::default(),
            verbatims: Verbatims::new(plan.themes.len(), max_verbatims),
            analyzer: Arc::new(CommentAnalyzer::new(plan)),
            facts: CommentFacts::default(),
        }
    }

    /// An empty copy sharing the analyzer.
    pub fn empty_like(&self) -> Comments {
        Comments {
            responses: CellMap::default(),
            employees: CellMap::default(),
            verbatims: Verbatims::new(self.verbatims.themes.len(), self.verbatims.max),
            analyzer: Arc::clone(&self.analyzer),
            facts: CommentFacts::default(),
        }
    }

    /// Comment cells held.
    pub fn len(&self) -> usize {
        self.responses.len() + self.employees.len()
    }

    /// Heap bytes of the cells, keys, indexes and verbatims.
    pub fn bytes(&self) -> usize {
        self.responses.bytes() + self.employees.bytes() + self.verbatims.bytes()
    }

    /// Starts journaling, as the other cell maps of a transaction.
    pub fn begin(&mut self) {
        self.responses.begin();
        self.employees.begin();
        self.verbatims.begin();
    }

    /// Keeps the transaction's changes.
    pub fn commit(&mut self) {
        self.responses.commit();
        self.employees.commit();
        self.verbatims.commit();
    }

    /// Undoes the transaction's changes.
    pub fn rollback(&mut self) {
        self.responses.rollback();
        self.employees.rollback();
        self.verbatims.rollback();
    }

    /// Files a customer comment, already analysed into `self.facts`, in
    /// cell `key`, and offers it to its themes' verbatims.
    pub fn file_response(
        &mut self,
        key: &CellKey,
        nps: u8,
        at: Timestamp,
        id: Option<&str>,
        text: &str,
    ) {
        let facts = &self.facts;
        self.responses
            .update(key, CommentStats::default, |c| add_comment(c, facts, nps));
        let compound = compound_units(facts.polarity.compound) as i32;
        for &t in &self.facts.themes {
            self.verbatims.offer(
                t,
                Verbatim {
                    at,
                    record_id: id.map(str::to_string),
                    text: text.to_string(),
                    compound,
                },
            );
        }
    }

    /// Files an employee comment, already analysed into `self.facts`, in
    /// cell `key` (employee comments keep no verbatim).
    pub fn file_employee(&mut self, key: &CellKey, enps: u8) {
        let facts = &self.facts;
        self.employees
            .update(key, CommentStats::default, |c| add_comment(c, facts, enps));
    }

    /// Fills an empty engine's comments from a snapshot's (their numbers
    /// checked by [`check_stats`]); the verbatims are checked here.
    pub fn fill(
        &mut self,
        responses: Vec<(CellKey, CommentStats)>,
        employees: Vec<(CellKey, CommentStats)>,
        verbatims: Vec<Vec<Verbatim>>,
    ) -> Result<(), EngineError> {
        for (map, cells, name) in [
            (&mut self.responses, responses, "/responseComments"),
            (&mut self.employees, employees, "/employeeComments"),
        ] {
            for (k, v) in cells {
                if !map.insert(k, v) {
                    return Err(bad(name.into(), "duplicate cell keys"));
                }
            }
        }
        let themes = self.verbatims.themes.len();
        if !verbatims.is_empty() && verbatims.len() != themes {
            return Err(bad(
                "/verbatims".into(),
                format!(
                    "{} lists of verbatims, but the plan has {themes} themes",
                    verbatims.len()
                ),
            ));
        }
        for (t, list) in verbatims.into_iter().enumerate() {
            let p = format!("/verbatims/{t}");
            if list.len() > self.verbatims.max {
                return Err(bad(
                    p,
                    format!(
                        "{} verbatims, more than limits.maxVerbatims ({})",
                        list.len(),
                        self.verbatims.max
                    ),
                ));
            }
            for (i, v) in list.into_iter().enumerate() {
                if !(-COMPOUND_UNITS..=COMPOUND_UNITS).contains(&v.compound) {
                    return Err(bad(
                        format!("{p}/{i}/compound"),
                        format!(
                            "a compound of {} units is outside −10000..10000",
                            v.compound
                        ),
                    ));
                }
                self.verbatims.offer(t as u32, v);
            }
        }
        Ok(())
    }

    /// Adds the statistics and verbatims of `other` (same plan), its cell
    /// keys mapped by `remap` to this engine's interned ids.
    pub fn merge(&mut self, other: &Comments, remap: &dyn Fn(&CellKey) -> CellKey) {
        for (k, v) in other.responses.iter() {
            self.responses
                .update(&remap(k), CommentStats::default, |c| c.merge(v));
        }
        for (k, v) in other.employees.iter() {
            self.employees
                .update(&remap(k), CommentStats::default, |c| c.merge(v));
        }
        self.verbatims.merge(&other.verbatims);
    }
}
