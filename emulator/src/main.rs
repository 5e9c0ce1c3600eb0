//! `chargebee-emulator [--port N] [--chargebee-key KEY] [--no-rate-limit] [--webhook URL
//! --webhook-user USER --webhook-password PASSWORD]`: serves the emulator on 127.0.0.1 until
//! interrupted. The gateway key is `MATON_API_KEY` from the environment, else the default
//! key, which is printed.

use chargebee_emulator::{Config, Emulator, Webhook};
use std::process::ExitCode;

const USAGE: &str = "usage: chargebee-emulator [--port N] [--chargebee-key KEY] [--no-rate-limit] \
[--webhook URL --webhook-user USER --webhook-password PASSWORD]";

fn parse(args: &[String]) -> Result<(Config, u16), String> {
    let mut config = Config::default();
    if let Ok(key) = std::env::var("MATON_API_KEY") {
        if !key.is_empty() {
            config.maton_api_key = key;
        }
    }
    let mut port = 12111;
    let (mut hook_url, mut hook_user, mut hook_password) = (None, None, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().ok_or("--port needs a number")?;
                port = value
                    .parse()
                    .map_err(|_| format!("--port: `{value}` is not a port number"))?;
            }
            "--chargebee-key" => {
                let value = args.next().ok_or("--chargebee-key needs a key")?;
                config.chargebee_api_key = Some(value.clone());
            }
            "--no-rate-limit" => config.rate_limit = false,
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
        }),
        (None, None, None) => None,
        _ => return Err("--webhook, --webhook-user and --webhook-password go together".into()),
    };
    Ok((config, port))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (config, port) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(problem) => {
            eprintln!("{problem}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let from_env = std::env::var("MATON_API_KEY").is_ok_and(|k| !k.is_empty());
    let emulator = match Emulator::start_with(config.clone(), port).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let url = emulator.url();
    println!("Chargebee emulator on {url}");
    println!("  gateway: {url}/chargebee/api/v2/…  (Authorization: Bearer <key>)");
    println!("  direct:  {url}/api/v2/…  (HTTP Basic, API key as user name)");
    println!("  control: {url}/connections");
    if from_env {
        println!("  gateway key: MATON_API_KEY from the environment");
    } else {
        println!("  gateway key: {}", config.maton_api_key);
    }
    match tokio::signal::ctrl_c().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot wait for Ctrl-C: {e}");
            ExitCode::FAILURE
        }
    }
}
