//! One-shot: rewrites credential pairs stored before pairs were keyed by their HMAC (see
//! `shared::store::legacy`). Run once per table with the deployed configuration:
//!
//! ```text
//! TABLE_NAME=… CREDENTIAL_PEPPER_PARAMETER=/homemaking/credential-pepper AWS_REGION=… \
//!   cargo run --release -p admin --bin migrate-pairs
//! ```

#[tokio::main]
async fn main() -> Result<(), String> {
    let state = shared::AppState::from_env().map_err(|error| error.to_string())?;
    let pepper = state.pepper().await.map_err(|error| format!("{error:?}"))?;
    let migrated = state
        .store()
        .migrate_pairs(pepper, state.config().bootstrap_admin.as_ref())
        .await
        .map_err(|error| format!("{error:?}"))?;
    println!(
        "migrate-pairs: {} credentials and {} member links now keyed by their digest",
        migrated.credentials, migrated.links
    );
    Ok(())
}
