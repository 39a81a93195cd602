//! One-shot: rewrites credential pairs stored before pairs were keyed by their HMAC (see
//! `shared::store::legacy`). Run once per table with the deployed configuration:
//!
//! ```text
//! TABLE_NAME=… CREDENTIAL_PEPPER_PARAMETER=/homemaking-prod/credential-pepper \
//!   BOOTSTRAP_ADMIN_PARAMETER=/homemaking-prod/bootstrap-admin AWS_REGION=… \
//!   cargo run --release -p admin --bin migrate-pairs
//! ```

#[tokio::main]
async fn main() -> Result<(), String> {
    let state = shared::AppState::from_env().map_err(|error| error.to_string())?;
    let pepper = state.pepper().await.map_err(|error| format!("{error:?}"))?;
    let bootstrap = state
        .bootstrap_admin()
        .await
        .map_err(|error| format!("{error:?}"))?;
    let migrated = state
        .store()
        .migrate_pairs(pepper, bootstrap)
        .await
        .map_err(|error| format!("{error:?}"))?;
    println!(
        "migrate-pairs: {} credentials and {} member links now keyed by their digest",
        migrated.credentials, migrated.links
    );
    Ok(())
}
