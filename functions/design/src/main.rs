//! Lambda entry of the `design` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run_http(design::router).await
}
