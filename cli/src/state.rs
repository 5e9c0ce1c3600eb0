//! `--emulator-state FILE`: the emulator's state read before a command and written back
//! after it, so `--emulator` runs build on one another. Without it, the first line on stderr
//! says nothing is kept.

use crate::commands::{EMULATOR_STATE, JSON_ERRORS};
use crate::exit::Failure;
use chargebee_emulator::Emulator;
use clap::ArgMatches;

/// What the first line on stderr says when `--emulator` runs without a state file.
const NOT_KEPT: &str =
    "the emulator's state is not kept after this command; --emulator-state FILE keeps it";

/// Restores `emulator` from the state file, if one is named and exists; or gives notice that
/// nothing is kept.
pub fn load(emulator: &Emulator, matches: &ArgMatches) -> Result<(), Failure> {
    let Some(path) = matches.get_one::<String>(EMULATOR_STATE) else {
        if matches.get_flag(JSON_ERRORS) {
            eprintln!("{}", serde_json::json!({ "notice": NOT_KEPT }));
        } else {
            eprintln!("note: {NOT_KEPT}");
        }
        return Ok(());
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        // The first run starts afresh and writes the file.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Failure::usage(format!("--emulator-state {path}: {e}"))),
    };
    let state = serde_json::from_str(&text)
        .map_err(|e| Failure::usage(format!("--emulator-state {path}: not JSON: {e}")))?;
    emulator
        .restore(&state)
        .map_err(|e| Failure::usage(format!("--emulator-state {path}: {e}")))
}

/// Writes `emulator`'s state to the state file, if one is named: whole, or not at all.
pub fn save(emulator: Option<&Emulator>, matches: &ArgMatches) -> Result<(), Failure> {
    let (Some(emulator), Some(path)) = (emulator, matches.get_one::<String>(EMULATOR_STATE)) else {
        return Ok(());
    };
    let cannot = |e: std::io::Error| Failure::other(format!("--emulator-state {path}: {e}"));
    let partial = format!("{path}.partial");
    std::fs::write(&partial, emulator.state().to_string()).map_err(cannot)?;
    std::fs::rename(&partial, path).map_err(cannot)
}
