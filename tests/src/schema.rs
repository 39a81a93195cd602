//! The table as `template.yaml` defines it — key schema and GSIs read from the template,
//! so DynamoDB Local and AWS never disagree.

use std::path::Path;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;
use serde::Deserialize;

/// The `Properties` of the `Table` resource that matter for creating it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableDefinition {
    /// Attribute definitions.
    pub attribute_definitions: Vec<Attribute>,
    /// Table key.
    pub key_schema: Vec<Key>,
    /// GSIs.
    #[serde(default)]
    pub global_secondary_indexes: Vec<Gsi>,
    /// The TTL attribute, when the table has one.
    #[serde(default)]
    pub time_to_live_specification: Option<TimeToLive>,
}

/// The table's time to live.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimeToLive {
    /// The attribute holding each item's expiry, Unix seconds.
    pub attribute_name: String,
    /// Whether expiry is on.
    pub enabled: bool,
}

/// One attribute definition.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attribute {
    /// Name.
    pub attribute_name: String,
    /// S, N or B.
    pub attribute_type: String,
}

/// One key element.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Key {
    /// Attribute.
    pub attribute_name: String,
    /// HASH or RANGE.
    pub key_type: String,
}

/// One GSI.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Gsi {
    /// Index name.
    pub index_name: String,
    /// Index key.
    pub key_schema: Vec<Key>,
}

/// Reads the `Table` resource of a SAM template.
pub fn table_definition(template: &Path) -> Result<TableDefinition, String> {
    let text = std::fs::read_to_string(template)
        .map_err(|error| format!("{}: {error}", template.display()))?;
    let document: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).map_err(|error| format!("template.yaml: {error}"))?;
    let properties = document
        .get("Resources")
        .and_then(|resources| resources.get("Table"))
        .and_then(|table| table.get("Properties"))
        .cloned()
        .ok_or("template.yaml has no Resources.Table.Properties")?;
    serde_yaml_ng::from_value(properties).map_err(|error| format!("Table properties: {error}"))
}

fn key_schema(keys: &[Key]) -> Result<Vec<KeySchemaElement>, String> {
    keys.iter()
        .map(|key| {
            KeySchemaElement::builder()
                .attribute_name(&key.attribute_name)
                .key_type(KeyType::from(key.key_type.as_str()))
                .build()
                .map_err(|error| error.to_string())
        })
        .collect()
}

/// Creates table `name` with `definition` (on-demand billing, every GSI projecting all).
pub async fn create_table(
    client: &Client,
    name: &str,
    definition: &TableDefinition,
) -> Result<(), String> {
    let mut request = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_key_schema(Some(key_schema(&definition.key_schema)?));
    for attribute in &definition.attribute_definitions {
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(&attribute.attribute_name)
                .attribute_type(ScalarAttributeType::from(attribute.attribute_type.as_str()))
                .build()
                .map_err(|error| error.to_string())?,
        );
    }
    for index in &definition.global_secondary_indexes {
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(&index.index_name)
                .set_key_schema(Some(key_schema(&index.key_schema)?))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .map_err(|error| error.to_string())?,
        );
    }
    match request.send().await {
        Ok(_) => {}
        // A retried attempt whose first try did create the table.
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|error| error.is_resource_in_use_exception()) => {}
        Err(error) => {
            return Err(format!(
                "create table {name}: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(error)
            ))
        }
    }
    let Some(ttl) = &definition.time_to_live_specification else {
        return Ok(());
    };
    let specification = TimeToLiveSpecification::builder()
        .attribute_name(&ttl.attribute_name)
        .enabled(ttl.enabled)
        .build()
        .map_err(|error| error.to_string())?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(specification)
        .send()
        .await
        .map(|_| ())
        .map_err(|error| {
            format!(
                "time to live of {name}: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(error)
            )
        })
}
