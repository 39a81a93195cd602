//! Local-stack helper for `scripts/dev`:
//! `devstack create-table` creates `TABLE_NAME` as `template.yaml` defines it (if absent);
//! `devstack seed` loads the demo fixture; `devstack create-bucket` creates `BUCKET_NAME`. Both reach DynamoDB through the standard AWS
//! configuration (`AWS_ENDPOINT_URL_DYNAMODB` for DynamoDB Local).

use api_tests::{fixture, schema, workspace_root};
use shared::AppState;

#[tokio::main]
async fn main() -> Result<(), String> {
    let command = std::env::args().nth(1).unwrap_or_default();
    let state = AppState::from_env().map_err(|error| error.to_string())?;
    match command.as_str() {
        "create-table" => {
            let definition = schema::table_definition(&workspace_root().join("template.yaml"))?;
            let client = state.store().client();
            let table = state.store().table();
            let exists = client
                .describe_table()
                .table_name(table)
                .send()
                .await
                .is_ok();
            if exists {
                println!("table {table} exists");
            } else {
                schema::create_table(client, table, &definition).await?;
                println!("created table {table}");
            }
            Ok(())
        }
        "seed" => {
            let users = fixture::load(&state, &fixture::demo())
                .await
                .map_err(|error| format!("{error:?}"))?;
            for (i_code, id) in users {
                println!("user {id:>3}  {i_code}");
            }
            let directory = fixture::load_mobilization(&state).await?;
            println!("mobilization directory {directory}");
            Ok(())
        }
        "create-bucket" => {
            let bucket = state.bucket().map_err(|error| error.to_string())?;
            api_tests::s3_local::create_bucket(state.s3(), bucket).await?;
            println!("bucket {bucket} ready");
            Ok(())
        }
        _ => Err("usage: devstack create-table | seed | create-bucket".to_owned()),
    }
}
