//! A minimal `lambda_http` function that reads one DynamoDB item, with the SDK
//! configuration and HTTPS client every function of this workspace uses
//! (`shared::state::sdk_config_from_env`): the reference that separates what the AWS SDK
//! costs in size and start-up from what the functions add (`scripts/bench-coldstart`).

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_http::{service_fn, Body, Error, Request, Response};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = aws_sdk_dynamodb::Client::new(&shared::state::sdk_config_from_env());
    let table = std::env::var("TABLE_NAME")?;
    lambda_http::run(service_fn(|_request: Request| {
        let (client, table) = (client.clone(), table.clone());
        async move {
            let found = client
                .get_item()
                .table_name(table)
                .key("PK", AttributeValue::S("HELLO".into()))
                .key("SK", AttributeValue::S("HELLO".into()))
                .send()
                .await?
                .item
                .is_some();
            Ok::<_, Error>(Response::new(Body::from(found.to_string())))
        }
    }))
    .await
}
