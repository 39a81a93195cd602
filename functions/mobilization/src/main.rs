//! Lambda entry of the `mobilization` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run_http(mobilization::router).await
}
