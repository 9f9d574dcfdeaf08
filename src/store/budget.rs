//! 配置预算衔接: checked budget lines by id. Entering a line and recording its outcome are each
//! one write transaction with its audit event; the rules are `domain::budget`'s.

use crate::domain::budget::BudgetCheck;

use super::tables::BUDGET_CHECKS;
use super::{Read, Result, Tx};

/// A check by id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<BudgetCheck>> {
    r.get(BUDGET_CHECKS, id)
}

/// Every check.
pub fn all(r: &impl Read) -> Result<Vec<BudgetCheck>> {
    r.scan(BUDGET_CHECKS)
}

/// Stores a check.
pub fn put(tx: &Tx, check: &BudgetCheck) -> Result<()> {
    tx.put(BUDGET_CHECKS, &check.id, check)
}
