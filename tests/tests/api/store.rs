//! Store helpers against DynamoDB Local.

use api_tests::app::TestApp;

#[tokio::test]
async fn batch_get_reads_the_existing_records_in_one_call() {
    let app = TestApp::new().await;
    let first = app.ready_file(7).await;
    let second = app.ready_file(7).await;
    app.calls();
    let mut files = app
        .state
        .store()
        .files(&[first, 999, second, first])
        .await
        .unwrap();
    assert_eq!(app.calls(), ["BatchGetItem"]);
    files.sort_by_key(|file| file.id);
    let ids: Vec<u64> = files.iter().map(|file| file.id).collect();
    assert_eq!(ids, vec![first, second]);
    assert!(files
        .iter()
        .all(|file| file.check_attachable(7, "photo").is_ok()));
}

#[tokio::test]
async fn id_counters_count_up_from_one() {
    let app = TestApp::new().await;
    let store = app.state.store();
    assert_eq!(store.next_id("thing").await.unwrap(), 1);
    assert_eq!(store.next_id("thing").await.unwrap(), 2);
    assert_eq!(store.next_id("other").await.unwrap(), 1);
    assert_eq!(store.total("nothing").await.unwrap(), 0);
}
