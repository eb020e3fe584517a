use crate::helpers::spawn_app;
use shared::geo::Region;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_holds_every_region_district_mahalla_and_service() {
    let app = spawn_app().await;
    let counts = services::reference::counts(&app.db).await.unwrap();
    assert_eq!(counts, (14, 208, 9452, 6));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loading_the_reference_data_again_changes_nothing() {
    let app = spawn_app().await;
    let report = services::reference::load(&app.db).await.unwrap();
    assert!(!report.inserted, "the same version is not loaded twice");
    assert_eq!(
        services::reference::counts(&app.db).await.unwrap(),
        (14, 208, 9452, 6)
    );

    // A second server on the same database starts and finds everything in place.
    let mut config = crate::helpers::test_config().await;
    config.database_url = app.database_url.clone();
    let second = crate::helpers::spawn_app_with(config).await;
    assert_eq!(
        services::reference::counts(&second.db).await.unwrap(),
        (14, 208, 9452, 6)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_regions_server_function_answers_json() {
    let app = spawn_app().await;
    let response = app.client.post(app.url("/api/regions")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let regions: Vec<Region> = response.json().await.unwrap();
    assert_eq!(regions.len(), 14);
    let tashkent = regions.iter().find(|r| r.soato == "1726").unwrap();
    assert_eq!(tashkent.names.uz, "Toshkent shahri");
    assert_eq!(tashkent.district_count, 12);
    assert_eq!(tashkent.mahalla_count, 585);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_page_lists_its_cities_and_districts() {
    let app = spawn_app().await;
    let (status, body) = app.get_text("/regions/1703").await;
    assert_eq!(status, 200);
    assert!(body.contains("Andijon viloyati"));
    assert_eq!(body.matches("data-soato=").count(), 16, "14 tumans and 2 cities");
    assert!(body.contains("Oltinkoʻl tumani"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_or_malformed_region_is_a_404() {
    let app = spawn_app().await;
    for path in ["/regions/9999", "/regions/abc", "/regions/17031'--"] {
        let (status, body) = app.get_text(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("Sahifa topilmadi"), "{path}");
    }
}
