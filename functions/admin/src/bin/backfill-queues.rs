//! One-shot: counts services, refunds, ratings, design tasks and design processes stored
//! before the admin queues in their queue (see
//! `shared::store::backfill`). Run once per table, after the functions that write the queue
//! keys are deployed:
//!
//! ```text
//! TABLE_NAME=… AWS_REGION=… cargo run --release -p admin --bin backfill-queues
//! ```

#[tokio::main]
async fn main() -> Result<(), String> {
    let state = shared::AppState::from_env().map_err(|error| error.to_string())?;
    let done = state
        .store()
        .backfill_queues()
        .await
        .map_err(|error| format!("{error:?}"))?;
    println!(
        "backfill-queues: {} services, {} refunds, {} ratings, {} design tasks and {} design processes counted in their queue",
        done.services, done.refunds, done.ratings, done.design_tasks, done.design_processes
    );
    Ok(())
}
