//! `events-token [OUT_DIR]`: the sample events of `events/` with real tokens, for
//! `cargo lambda invoke <function> --data-file OUT_DIR/<event>.json` against a running API
//! (`scripts/dev`). Signs in through the API itself — `POST /v1/token` with an admin pair
//! for the `token` header and bodies, the mobilization login `POST /user` for the `token`
//! cookie — and writes every sample, tokens filled in, to OUT_DIR (default
//! `target/events`); `events/` is never written.
//!
//! Environment: `API_URL` (default `http://127.0.0.1:9000`); `ADMIN_I_CODE` and
//! `ADMIN_ORDER_NO` (default `admin-demo`, `20260101`: the demo admin `scripts/dev` loads;
//! the bootstrap pair signs in only while no other admin pair is registered, so not on the
//! demo stack); `MOBILIZATION_I_CODE` and `MOBILIZATION_ORDER_NO` (default `mob-1`, `1`: the
//! demo city commander).

use std::path::{Path, PathBuf};

use api_tests::events::{events_dir, fill_tokens, placeholders, read_events, Tokens};
use serde_json::{json, Value};

fn setting(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

fn pair(i_code_variable: &str, order_no_variable: &str, defaults: (&str, &str)) -> Value {
    let i_code = setting(i_code_variable, defaults.0);
    let order_no = setting(order_no_variable, defaults.1);
    // The API takes order_no as a number; anything else is sent as given, for its answer.
    let order_no = order_no
        .parse::<u64>()
        .map_or_else(|_| json!(order_no), |n| json!(n));
    json!({ "i_code": i_code, "order_no": order_no })
}

/// `POST {api}/v1/token` → `data.token`.
async fn sign_in(client: &reqwest::Client, api: &str, pair: &Value) -> Result<String, String> {
    let url = format!("{api}/v1/token");
    let response = client
        .post(&url)
        .json(pair)
        .send()
        .await
        .map_err(|error| format!("POST {url}: {error} (is scripts/dev running?)"))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    body["data"]["token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| {
            format!(
                "POST {url} with i_code {} answered {status}: {body} \
                 (set ADMIN_I_CODE / ADMIN_ORDER_NO to an admin pair the API accepts)",
                pair["i_code"]
            )
        })
}

/// `POST {api}/user` → the `token` cookie it sets.
async fn mobilization_login(
    client: &reqwest::Client,
    api: &str,
    pair: &Value,
) -> Result<String, String> {
    let url = format!("{api}/user");
    let response = client
        .post(&url)
        .json(pair)
        .send()
        .await
        .map_err(|error| format!("POST {url}: {error} (is scripts/dev running?)"))?;
    let status = response.status();
    let token = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|cookie| cookie.split(';').next())
        .find_map(|pair| pair.trim().strip_prefix("token="))
        .filter(|token| !token.is_empty())
        .map(str::to_owned);
    match token {
        Some(token) => Ok(token),
        None => {
            let body = response.text().await.unwrap_or_default();
            Err(format!(
                "POST {url} with i_code {} answered {status} without a token cookie: {body} \
                 (set MOBILIZATION_I_CODE / MOBILIZATION_ORDER_NO to a member of the directory)",
                pair["i_code"]
            ))
        }
    }
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

async fn run() -> Result<(), String> {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/events"));
    let source = events_dir();
    std::fs::create_dir_all(&out).map_err(|error| format!("{}: {error}", out.display()))?;
    if same_folder(&out, &source) {
        return Err(format!(
            "{} is the samples' own folder: give another output folder",
            out.display()
        ));
    }
    let mut events = read_events(&source)?;
    let (cookies, others) = events.iter().fold((false, false), |(c, o), (_, event)| {
        let (in_cookies, elsewhere) = placeholders(event);
        (c || in_cookies, o || elsewhere)
    });

    let api = setting("API_URL", "http://127.0.0.1:9000");
    let api = api.trim_end_matches('/');
    let client = reqwest::Client::new();
    let header = if others {
        let admin = pair("ADMIN_I_CODE", "ADMIN_ORDER_NO", ("admin-demo", "20260101"));
        sign_in(&client, api, &admin).await?
    } else {
        String::new()
    };
    let cookie = if cookies {
        let member = pair(
            "MOBILIZATION_I_CODE",
            "MOBILIZATION_ORDER_NO",
            ("mob-1", "1"),
        );
        mobilization_login(&client, api, &member).await?
    } else {
        String::new()
    };

    let tokens = Tokens {
        header: &header,
        cookie: &cookie,
    };
    let mut filled = 0;
    for (name, event) in &mut events {
        if fill_tokens(event, tokens) > 0 {
            filled += 1;
        }
        let text = serde_json::to_string_pretty(event).map_err(|error| error.to_string())?;
        let path = out.join(name.as_str());
        std::fs::write(&path, text + "\n")
            .map_err(|error| format!("{}: {error}", path.display()))?;
    }
    println!(
        "events-token: {} events in {} ({filled} with tokens from {api})",
        events.len(),
        out.display()
    );
    println!(
        "events-token: auth-revoke.json and mobilization-logout.json end the sessions of these tokens: run this again after invoking them"
    );
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(problem) = run().await {
        eprintln!("events-token: {problem}");
        std::process::exit(1);
    }
}
