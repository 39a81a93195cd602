//! The local stack's front door (see `api_tests::edge`): listens on `EDGE_ADDRESS`
//! (default 127.0.0.1:9000) and forwards to `cargo lambda watch` at `UPSTREAM_URL`.

#[tokio::main]
async fn main() -> Result<(), String> {
    let address = std::env::var("EDGE_ADDRESS").unwrap_or_else(|_| "127.0.0.1:9000".to_owned());
    let upstream =
        std::env::var("UPSTREAM_URL").unwrap_or_else(|_| "http://127.0.0.1:9001".to_owned());
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .map_err(|error| format!("{address}: {error}"))?;
    println!("edge: http://{address} → {upstream}");
    api_tests::edge::serve(listener, &upstream).await
}
