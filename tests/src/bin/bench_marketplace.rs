//! Latency of create-order and agree-order through the routers against DynamoDB Local, next
//! to a bare GetItem round trip measured in the same run (the floor every route pays at
//! least once). Run by `scripts/bench-marketplace`.
//!
//! `ITERATIONS` (default 300, at most 2,000) orders are placed and then agreed, one at a
//! time; the floor is as many GetItem calls of the service's item.

use std::time::{Duration, Instant};

use api_tests::app::TestApp;
use serde_json::json;
use shared::store::services::service_key;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    let rank = ((samples.len() as f64) * p).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let iterations: usize = std::env::var("ITERATIONS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(300)
        .clamp(10, 2_000);
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    let category = app
        .post("/v1/admin/category", json!({"name": "宠物"}))
        .token(&admin)
        .send()
        .await;
    let category = category.data()["id"].as_u64().ok_or("no category")?;
    let (publisher, publisher_id) = app.member(&[], None).await;
    let (consumer, _) = app.member(&[], None).await;
    let cover = app.ready_file(publisher_id).await;
    let created = app
        .post(
            "/v1/service",
            json!({
                "type": 1, "title": "节假日宠物寄养", "category_id": category,
                "cover_image_id": cover, "designated_place": 0, "description": "代溜，代喂食。",
                "begin_date": "2026-01-01", "end_date": "2026-12-31", "price": "300.00"
            }),
        )
        .token(&publisher)
        .send()
        .await;
    let service: u64 = created.data()["service_id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .ok_or("no service")?;
    app.post(
        &format!("/v1/admin/service/{service}/audit"),
        json!({"approve": true}),
    )
    .token(&admin)
    .send()
    .await
    .assert_ok(200);
    app.post(&format!("/v1/service/{service}"), json!({"action": 1}))
        .token(&publisher)
        .send()
        .await
        .assert_ok(200);

    // Warm-up: connections, JIT of DynamoDB Local.
    for _ in 0..20 {
        let placed = app
            .post("/v1/order", json!({"service_id": service}))
            .token(&consumer)
            .send()
            .await;
        placed.assert_ok(201);
    }

    let client = app.state.store().client().clone();
    let at = service_key(service);
    let mut floor = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let start = Instant::now();
        client
            .get_item()
            .table_name(&app.table)
            .set_key(Some(at.key()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|error| format!("{error:?}"))?;
        floor.push(start.elapsed());
    }

    let mut create = Vec::with_capacity(iterations);
    let mut orders = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let start = Instant::now();
        let placed = app
            .post("/v1/order", json!({"service_id": service}))
            .token(&consumer)
            .send()
            .await;
        create.push(start.elapsed());
        placed.assert_ok(201);
        orders.push(placed.data()["order_id"].as_u64().ok_or("no order id")?);
    }

    let mut agree = Vec::with_capacity(iterations);
    for order in orders {
        let start = Instant::now();
        let agreed = app
            .post(&format!("/v1/order/{order}"), json!({"action": 1}))
            .token(&publisher)
            .send()
            .await;
        agree.push(start.elapsed());
        agreed.assert_ok(200);
    }

    let (floor50, floor99) = (percentile(&mut floor, 0.50), percentile(&mut floor, 0.99));
    println!(
        "marketplace latency through the routers, DynamoDB Local, {iterations} iterations each"
    );
    println!(
        "{:<34} {:>9} {:>9} {:>10} {:>10}",
        "", "p50 ms", "p99 ms", "p50/floor", "p99/floor"
    );
    for (name, samples) in [
        ("GetItem round trip (floor)", &mut floor),
        ("POST /v1/order (create-order)", &mut create),
        ("POST /v1/order/{id} (agree)", &mut agree),
    ] {
        let (p50, p99) = (percentile(samples, 0.50), percentile(samples, 0.99));
        println!(
            "{name:<34} {:>9.2} {:>9.2} {:>10.2} {:>10.2}",
            ms(p50),
            ms(p99),
            ms(p50) / ms(floor50),
            ms(p99) / ms(floor99),
        );
    }
    println!("calls per request: create-order = BatchGetItem + UpdateItem + TransactWriteItems; agree = GetItem + TransactWriteItems");
    Ok(())
}
