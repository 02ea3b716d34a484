//! The memory budget of the cells (`limits.maxCellBytes`), the most
//! records an engine counts ([`MAX_SNAPSHOT_COUNT`], 2^53 of each kind),
//! and the transactions that make an ingest call all or nothing with
//! respect to them.
//!
//! Every call that files records or merges an engine runs as one
//! transaction: each part of the engine journals what it takes to undo its
//! changes (the cells created, the first state of every older cell changed,
//! the running record counts, the values interned, the alerts kept and
//! pushed out, the time span). After each batch of rows and each other
//! record, and at the call's end, the engine compares its footprint
//! ([`Engine::stats`]'s `bytes`) with the budget and its records of each
//! kind with 2^53 (running totals: no cell is visited); past either, the
//! call stops, everything it filed is undone, and it fails with a
//! [`LimitError`]: a [`MemoryLimit`] or an [`Overflow`]. Otherwise the
//! journals are dropped at its end.
//!
//! Undoing costs nothing until needed for the cells a call creates (they
//! are truncated); an older cell pays one copy of its state the first time
//! a call changes it.

use super::{Engine, EngineError, EngineStats, MAX_SNAPSHOT_COUNT, RECORD_KINDS};
use crate::error::ErrorCode;

/// An ingest or merge would take the engine's cells past
/// `limits.maxCellBytes`: the call failed and nothing of it was kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the cells would take more than limits.maxCellBytes = {budget} bytes (this call took them to {reached}); nothing of this call was kept, and the engine still holds {cells} cells in {bytes} bytes. Keep fewer dimensions or a coarser time granularity (the cube; `--cube` on the command line), or raise limits.maxCellBytes"
)]
pub struct MemoryLimit {
    /// `limits.maxCellBytes`.
    pub budget: u64,
    /// The footprint the call reached when it stopped (rows are filed in
    /// batches of a few thousand: the budget is checked after each).
    pub reached: u64,
    /// Cells the engine keeps (as before the call).
    pub cells: u64,
    /// Bytes the engine's cells take (as before the call).
    pub bytes: u64,
}

impl MemoryLimit {
    /// The stable error code: `memory-limit`.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::MemoryLimit
    }
}

/// An ingest or merge would take the records of one kind (customer
/// responses, employee responses, audits or KPI observations) past
/// [`MAX_SNAPSHOT_COUNT`] (2^53), the most an engine counts exactly and a
/// snapshot holds: the call failed and nothing of it was kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "overflow: this call would take the engine's {kind} to {reached}, past {max} (2^53), the most an engine counts exactly; nothing of this call was kept, and the engine still holds {held} {kind}",
    max = MAX_SNAPSHOT_COUNT
)]
pub struct Overflow {
    /// The kind of record, in words (`customer responses`, `employee
    /// responses`, `audits`, `KPI observations`).
    pub kind: &'static str,
    /// The records of that kind the call reached when it stopped (an
    /// ingest files rows in batches of a few thousand and checks after
    /// each; a merge: both engines' records together).
    pub reached: u64,
    /// The records of that kind the engine holds (as before the call).
    pub held: u64,
}

impl Overflow {
    /// The stable error code: `overflow`.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Overflow
    }
}

/// Why an ingest call (or a merge) failed as a whole, keeping nothing of
/// it: the cells would pass the memory budget, or the records of a kind
/// would pass 2^53.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimitError {
    /// The cells would pass `limits.maxCellBytes`.
    #[error(transparent)]
    MemoryLimit(#[from] MemoryLimit),
    /// The records of a kind would pass [`MAX_SNAPSHOT_COUNT`].
    #[error(transparent)]
    Overflow(#[from] Overflow),
}

impl LimitError {
    /// The stable error code: `memory-limit` or `overflow`.
    pub fn code(&self) -> ErrorCode {
        match self {
            LimitError::MemoryLimit(e) => e.code(),
            LimitError::Overflow(e) => e.code(),
        }
    }
}

/// What dooms a transaction: the footprint past the budget (the bytes
/// reached), or the records of kind `kind` (an index into
/// [`RECORD_KINDS`]) past 2^53.
#[derive(Debug, Clone, Copy)]
enum Over {
    Bytes(u64),
    Count { kind: usize, reached: u64 },
}

/// The state of an engine outside its cell maps at the start of a
/// transaction.
#[derive(Debug, Clone)]
pub(crate) struct Journal {
    interners: Vec<(usize, usize, usize)>,
    items: (usize, usize, usize),
    span: Option<(i64, i64)>,
    last_response: Option<i64>,
}

/// An engine's transaction: how deep calls are nested, the journal, and
/// the budget or count overrun that dooms it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Transaction {
    depth: u32,
    journal: Option<Box<Journal>>,
    over: Option<Over>,
    /// The call failed otherwise (see [`Engine::abort`]): undo it.
    abort: bool,
}

impl Engine {
    /// Runs `f` as one transaction: when the cells pass the budget or the
    /// records of a kind pass 2^53 during it, everything it filed is undone
    /// and the call fails.
    pub(crate) fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Engine) -> T,
    ) -> Result<T, LimitError> {
        self.begin();
        let out = f(self);
        self.end().map(|()| out)
    }

    /// Starts a transaction (or enters a nested one).
    pub(crate) fn begin(&mut self) {
        self.tx.depth += 1;
        if self.tx.depth > 1 {
            return;
        }
        self.tx.over = None;
        self.tx.journal = Some(Box::new(Journal {
            interners: self.interners.iter().map(|i| i.mark()).collect(),
            items: self.items.mark(),
            span: self.span,
            last_response: self.last_response,
        }));
        self.responses.begin();
        self.employees.begin();
        self.audits.begin();
        self.kpis.begin();
        self.weights.begin();
        self.comments.begin();
        self.alerts.begin();
    }

    /// Ends a transaction: keeps it, or, when the budget or a record
    /// count was passed, undoes it (the outermost call) and fails.
    pub(crate) fn end(&mut self) -> Result<(), LimitError> {
        self.tx.depth = self.tx.depth.saturating_sub(1);
        if self.tx.depth > 0 {
            return match self.tx.over {
                Some(over) => Err(self.limit_error(over)),
                None => Ok(()),
            };
        }
        self.within_budget();
        let journal = self.tx.journal.take();
        let abort = std::mem::take(&mut self.tx.abort);
        let over = self.tx.over.take();
        if over.is_none() && !abort {
            self.responses.commit();
            self.employees.commit();
            self.audits.commit();
            self.kpis.commit();
            self.weights.commit();
            self.comments.commit();
            self.alerts.commit();
            return Ok(());
        }
        self.responses.rollback();
        self.employees.rollback();
        self.audits.rollback();
        self.kpis.rollback();
        self.weights.rollback();
        self.comments.rollback();
        self.alerts.rollback();
        if let Some(j) = journal {
            for (interner, mark) in self.interners.iter_mut().zip(j.interners) {
                interner.truncate(mark);
            }
            self.items.truncate(j.items);
            self.span = j.span;
            self.last_response = j.last_response;
        }
        match over {
            Some(over) => Err(self.limit_error(over)),
            None => Ok(()),
        }
    }

    /// Dooms the current transaction for a failure other than the budget
    /// (an input error of the whole call): its end undoes everything the
    /// call filed.
    pub(crate) fn abort(&mut self) {
        self.tx.abort = true;
    }

    fn limit_error(&self, over: Over) -> LimitError {
        match over {
            Over::Bytes(reached) => {
                let EngineStats { cells, bytes, .. } = self.stats();
                LimitError::MemoryLimit(MemoryLimit {
                    budget: self.config.limits.max_cell_bytes,
                    reached,
                    cells,
                    bytes,
                })
            }
            Over::Count { kind, reached } => LimitError::Overflow(Overflow {
                kind: RECORD_KINDS[kind],
                reached,
                held: self.count_totals()[kind],
            }),
        }
    }

    /// Compares the footprint with the budget and the records of each kind
    /// with 2^53 (after a batch of rows or a record was filed, and at the
    /// end of a call); past either, dooms the transaction. Returns whether
    /// the call may go on.
    pub(crate) fn within_budget(&mut self) -> bool {
        if self.tx.over.is_some() {
            return false;
        }
        self.tx.over = match self.past_budget() {
            Some(bytes) => Some(Over::Bytes(bytes)),
            None => self.past_count(),
        };
        self.tx.over.is_none()
    }

    /// The first kind of record whose running total is past
    /// [`MAX_SNAPSHOT_COUNT`], and that total.
    fn past_count(&self) -> Option<Over> {
        self.count_totals()
            .into_iter()
            .enumerate()
            .find(|&(_, n)| n > MAX_SNAPSHOT_COUNT)
            .map(|(kind, reached)| Over::Count { kind, reached })
    }

    /// The footprint, when it is past the budget.
    fn past_budget(&self) -> Option<u64> {
        let bytes = self.cell_bytes() as u64;
        (bytes > self.config.limits.max_cell_bytes).then_some(bytes)
    }

    /// Fails a transaction from outside its engine: `reached` is what a
    /// part of the call (an engine of one thread) took. Only parallel
    /// ingest has such parts.
    #[cfg(feature = "parallel")]
    pub(crate) fn doom(&mut self, reached: u64) {
        self.tx.over.get_or_insert(Over::Bytes(reached));
    }

    /// Whether an engine being restored passed its budget (checked every
    /// few thousand cells, so a large snapshot fails before it is read).
    pub(crate) fn check_restored(&self) -> Result<(), EngineError> {
        match self.past_budget() {
            None => Ok(()),
            Some(reached) => Err(EngineError::MemoryLimit(MemoryLimit {
                budget: self.config.limits.max_cell_bytes,
                reached,
                cells: 0,
                bytes: 0,
            })),
        }
    }

    /// Whether the current transaction passed the budget or a record count
    /// (the call should stop reading).
    pub(crate) fn over_budget(&self) -> bool {
        self.tx.over.is_some()
    }
}
