//! Lambda entry of the `admin` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run_http(admin::router).await
}
