//! Lambda entry of the `orders` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run_http(orders::router).await
}
