//! `chargebee-emulator [--port N] [--maton-key KEY] [--chargebee-key KEY] [--no-rate-limit]
//! [--state FILE] [--webhook URL --webhook-user USER --webhook-password PASSWORD
//! [--webhook-disorder]] [--synthesize | --synthesize-op OPERATION …] [--now TIME]
//! [--dunning-retry-days DAYS,…] [--dunning-keeps-subscriptions]`: serves the emulator on
//! 127.0.0.1 until interrupted.
//!
//! - With `--now` (Unix seconds or `2026-01-01T00:00:00Z`) its clock starts at that time and
//!   stands still until moved, so runs are reproducible.
//! - Operations it does not model answer `not_emulated` (HTTP 501) unless `--synthesize` (all
//!   of them) or `--synthesize-op` (that one) asks for made-up answers.
//! - The gateway key is `--maton-key`, else `MATON_API_KEY` from the environment, else the
//!   default key, which is printed.
//! - With `--state`, what the emulator keeps is loaded from FILE when it exists and saved to
//!   it, atomically, on Ctrl-C or SIGTERM.
//! - With `--webhook`, events are POSTed there and retried on failure; `--webhook-disorder`
//!   delivers each twice and out of order.
//! - `--dunning-retry-days 1,3,5` sets the days between dunning retries of a failed charge
//!   (`--dunning-retry-days ""` for none); `--dunning-keeps-subscriptions` leaves a
//!   subscription active when they run out instead of cancelling it.

use chargebee_emulator::{Config, Emulator, Synthesis, Webhook};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: chargebee-emulator [--port N] [--maton-key KEY] [--chargebee-key KEY] \
[--no-rate-limit] [--state FILE] [--webhook URL --webhook-user USER --webhook-password PASSWORD \
[--webhook-disorder]] \
[--synthesize | --synthesize-op OPERATION ...] [--now TIME] \
[--dunning-retry-days DAYS,...] [--dunning-keeps-subscriptions]";

const SYNTHESIS_CLASH: &str =
    "--synthesize (every operation) and --synthesize-op (some) go alone; give one of them";

/// What the command line asks for.
struct Options {
    config: Config,
    port: u16,
    state: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut config = Config::default();
    if let Ok(key) = std::env::var("MATON_API_KEY") {
        if !key.is_empty() {
            config.maton_api_key = key;
        }
    }
    let mut port = 12111;
    let mut state = None;
    let (mut hook_url, mut hook_user, mut hook_password) = (None, None, None);
    let mut disorder = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().ok_or("--port needs a number")?;
                port = value
                    .parse()
                    .map_err(|_| format!("--port: `{value}` is not a port number"))?;
            }
            "--maton-key" => {
                config.maton_api_key = args.next().ok_or("--maton-key needs a key")?.clone();
            }
            "--state" => state = Some(PathBuf::from(args.next().ok_or("--state needs a file")?)),
            "--chargebee-key" => {
                let value = args.next().ok_or("--chargebee-key needs a key")?;
                config.chargebee_api_key = Some(value.clone());
            }
            "--no-rate-limit" => config.rate_limit = false,
            "--dunning-retry-days" => {
                let value = args
                    .next()
                    .ok_or("--dunning-retry-days needs days, as 3,3,3")?;
                config.dunning.retry_after_days = value
                    .split(',')
                    .filter(|day| !day.trim().is_empty())
                    .map(|day| {
                        day.trim().parse::<u32>().map_err(|_| {
                            format!("--dunning-retry-days: `{day}` is not a number of days")
                        })
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--dunning-keeps-subscriptions" => config.dunning.cancel_subscription = false,
            "--webhook-disorder" => disorder = true,
            "--now" => {
                let value = args.next().ok_or("--now needs a time")?;
                config.now =
                    Some(chargebee_emulator::parse_time(value).map_err(|e| format!("--now: {e}"))?);
            }
            "--synthesize" => match config.synthesize {
                Synthesis::Operations(_) => return Err(SYNTHESIS_CLASH.into()),
                _ => config.synthesize = Synthesis::All,
            },
            "--synthesize-op" => {
                let operation = args.next().ok_or("--synthesize-op needs an operation")?;
                if chargebee_description::Api::embedded()
                    .operation(operation)
                    .is_none()
                {
                    return Err(format!(
                        "--synthesize-op: `{operation}` is not an operation (resource.operation, \
                         such as coupon.create)"
                    ));
                }
                match &mut config.synthesize {
                    Synthesis::All => return Err(SYNTHESIS_CLASH.into()),
                    Synthesis::Operations(ids) => {
                        ids.insert(operation.clone());
                    }
                    off => *off = Synthesis::Operations([operation.clone()].into()),
                }
            }
            "--webhook" => hook_url = Some(args.next().ok_or("--webhook needs a URL")?.clone()),
            "--webhook-user" => {
                hook_user = Some(args.next().ok_or("--webhook-user needs a name")?.clone())
            }
            "--webhook-password" => {
                hook_password = Some(
                    args.next()
                        .ok_or("--webhook-password needs a password")?
                        .clone(),
                );
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    config.webhook = match (hook_url, hook_user, hook_password) {
        (Some(url), Some(username), Some(password)) => Some(Webhook {
            url,
            username,
            password,
            disorder,
        }),
        (None, None, None) if disorder => {
            return Err("--webhook-disorder goes with --webhook".into())
        }
        (None, None, None) => None,
        _ => return Err("--webhook, --webhook-user and --webhook-password go together".into()),
    };
    Ok(Options {
        config,
        port,
        state,
    })
}

/// Loads the state saved in `path`, when the file exists.
fn load(emulator: &Emulator, path: &Path) -> Result<(), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let state = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    emulator
        .restore(&state)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Saves the emulator's state to `path` atomically: written in full to a file beside it,
/// flushed to disk, then renamed over it, so `path` holds the old state or the new, never
/// half of one.
fn save(emulator: &Emulator, path: &Path) -> Result<(), String> {
    use std::io::Write;
    let text = serde_json::to_string_pretty(&emulator.state()).expect("JSON values serialize");
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = std::fs::File::create(&partial).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    written
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            format!("{}: {e}", path.display())
        })
}

/// Waits for Ctrl-C (SIGINT) or, on Unix, SIGTERM (what `kill` and service managers send).
async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            interrupted = tokio::signal::ctrl_c() => interrupted,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let Options {
        config,
        port,
        state,
    } = match parse(&args) {
        Ok(parsed) => parsed,
        Err(problem) => {
            eprintln!("{problem}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start_with(config.clone(), port).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("cannot start on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &state {
        if let Err(problem) = load(&emulator, path) {
            eprintln!("cannot load the state: {problem}");
            return ExitCode::FAILURE;
        }
    }
    let url = emulator.url();
    println!("Chargebee emulator on {url}");
    println!("  gateway: {url}/chargebee/api/v2/…  (Authorization: Bearer <key>)");
    println!("  direct:  {url}/api/v2/…  (HTTP Basic, API key as user name)");
    println!("  control: {url}/connections");
    match &config.synthesize {
        Synthesis::Off => println!("  operations not emulated answer 501 not_emulated"),
        Synthesis::All => {
            println!("  operations not emulated answer SYNTHESIZED placeholder bodies")
        }
        Synthesis::Operations(ids) => println!(
            "  synthesized placeholder bodies for: {}",
            ids.iter().cloned().collect::<Vec<_>>().join(", ")
        ),
    }
    if let Some(now) = config.now {
        println!("  clock: stands at {now} (Unix seconds) until moved");
    }
    if config.maton_api_key == chargebee_emulator::DEFAULT_MATON_API_KEY {
        println!("  gateway key: {}", config.maton_api_key);
    } else {
        println!("  gateway key: the one given (--maton-key or MATON_API_KEY)");
    }
    if let Err(e) = stop_signal().await {
        eprintln!("cannot wait for Ctrl-C or SIGTERM: {e}");
        return ExitCode::FAILURE;
    }
    if let Some(path) = &state {
        if let Err(problem) = save(&emulator, path) {
            eprintln!("cannot save the state: {problem}");
            return ExitCode::FAILURE;
        }
        println!("state saved to {}", path.display());
    }
    ExitCode::SUCCESS
}
