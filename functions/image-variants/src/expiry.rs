//! Files the table expired: an upload sent without a token that nobody attached within a
//! day loses its record to DynamoDB's TTL; the table's stream (filtered in template.yaml to
//! TTL removals of file records, with the removed item's old image) brings the removal
//! here, and the variants go too: those in the folder the old image names by its
//! `variant_token`, or, for a record from before tokens (or a stream that sends keys
//! only), those under its id.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_sdk_s3::error::DisplayErrorContext;
use serde_dynamo::AttributeValue;
use shared::file::{Variant, VariantFolder};
use shared::{ApiError, AppState};

use crate::pipeline::Outcome;

/// The file id of a removed item's keys (`PK = FILE#{id}`, `SK = FILE`), if it is a file.
fn file_id(keys: &serde_dynamo::Item) -> Option<u64> {
    match (keys.get("PK"), keys.get("SK")) {
        (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) if sk == "FILE" => {
            pk.strip_prefix("FILE#")?.parse().ok()
        }
        _ => None,
    }
}

/// The variant token in a removed item's old image, if the stream sent one.
fn variant_token(record: &EventRecord) -> Option<&str> {
    match record.change.old_image.get("variant_token") {
        Some(AttributeValue::S(token)) => Some(token),
        _ => None,
    }
}

/// Deletes the variants of every file whose record the stream says was removed.
pub async fn handle_expired(state: &AppState, event: Event) -> Result<Vec<Outcome>, ApiError> {
    let mut outcomes = Vec::with_capacity(event.records.len());
    for record in event.records {
        let Some(id) = (record.event_name == "REMOVE")
            .then(|| file_id(&record.change.keys))
            .flatten()
        else {
            continue;
        };
        let token = variant_token(&record);
        if token.is_none() && record.change.old_image.is_empty() {
            tracing::warn!(
                id,
                "no old image in the stream record: only variants under the file id can go"
            );
        }
        delete_variants(state, id, &VariantFolder::of(id, token)).await?;
        tracing::info!(id, "expired file's variants deleted");
        outcomes.push(Outcome::Expired { id });
    }
    Ok(outcomes)
}

/// Deletes the four variants of file `id` in `folder` (deleting a missing object succeeds).
async fn delete_variants(
    state: &AppState,
    id: u64,
    folder: &VariantFolder,
) -> Result<(), ApiError> {
    let bucket = state.bucket()?;
    let deletes = Variant::ALL.map(|variant| {
        state
            .s3()
            .delete_object()
            .bucket(bucket)
            .key(folder.key(variant))
            .send()
    });
    futures::future::try_join_all(deletes)
        .await
        .map(drop)
        .map_err(|error| {
            ApiError::internal(format!(
                "delete variants of {id}: {}",
                DisplayErrorContext(&error)
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_event_names_its_file() {
        let event: Event =
            serde_json::from_str(include_str!("../../../events/image-variants-expired.json"))
                .unwrap();
        let record = &event.records[0];
        assert_eq!(record.event_name, "REMOVE");
        assert_eq!(file_id(&record.change.keys), Some(1));
        assert_eq!(
            variant_token(record),
            Some("3f9c2a7e51d04b8c9e6a0d2f7b1c4e85")
        );
    }

    #[test]
    fn only_file_records_name_a_file() {
        use std::collections::HashMap;
        let keys = |pk: &str, sk: &str| {
            serde_dynamo::Item::from(HashMap::from([
                ("PK".to_owned(), AttributeValue::S(pk.to_owned())),
                ("SK".to_owned(), AttributeValue::S(sk.to_owned())),
            ]))
        };
        assert_eq!(file_id(&keys("FILE#42", "FILE")), Some(42));
        assert_eq!(file_id(&keys("FILE#x", "FILE")), None);
        assert_eq!(file_id(&keys("ORDER#42", "ORDER")), None);
        assert_eq!(
            file_id(&serde_dynamo::Item::from(
                HashMap::<String, AttributeValue>::new()
            )),
            None
        );
    }
}
