//! A minimal `lambda_http` function answering "hello": the baseline that
//! `scripts/bench-coldstart` compares the real functions against.

use lambda_http::{service_fn, Body, Error, Request, Response};

async fn hello(_request: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from("hello")))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(hello)).await
}
