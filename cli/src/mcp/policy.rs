//! Which operations the MCP server carries out: read-only ones always; others only when the
//! server was started allowing writes (all, or a list of operations); destructive ones only
//! when it was also started allowing them.

use chargebee_description::Operation;
use std::collections::BTreeSet;

/// What the server was started allowing.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// `--allow-writes`: every operation that changes something.
    pub writes: bool,
    /// `--allow OPERATION`: these operations, whatever they do.
    pub operations: BTreeSet<String>,
    /// `--allow-destructive`: destructive operations too, among those allowed above.
    pub destructive: bool,
}

impl Policy {
    /// Why `op` is not carried out, naming the option that allows it; `None` when it is.
    pub fn refusal(&self, op: &Operation) -> Option<String> {
        if op.read_only() {
            return None;
        }
        let listed = self.operations.contains(&op.id);
        if !self.writes && !listed {
            return Some(format!(
                "`{}` changes data, and this server carries out read-only operations only: \
                 start it with --allow-writes (or --allow {}) to allow it",
                op.id, op.id
            ));
        }
        if op.destructive && !self.destructive {
            return Some(format!(
                "`{}` is destructive (it cannot be undone, or it moves money): start the \
                 server with --allow-destructive as well to allow it",
                op.id
            ));
        }
        None
    }
}
