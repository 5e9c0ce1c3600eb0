//! The command line's tests (commands, dry runs, the MCP server), in one binary.

mod cli;
mod dry_run;
mod mcp;
