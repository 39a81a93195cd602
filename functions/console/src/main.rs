//! Lambda entry of the `console` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run_http(env!("CARGO_PKG_NAME"), console::router).await
}
