use std::collections::BTreeSet;

use gongwucang::domain::photo::PhotoFlag;
use gongwucang::store::{self, Store};
use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn the_demo_nodes_photos_are_served_with_thumbnails_and_carry_their_quality_flags() {
    let dir = tempfile::tempdir().unwrap();
    let cards = {
        let store = Store::open(dir.path()).unwrap();
        gongwucang::demo::create(dir.path(), &store).unwrap();
        store.read(store::cards::all).unwrap()
    };
    let with_photos: Vec<_> = cards.iter().filter(|c| !c.photos.is_empty()).collect();
    assert!(with_photos.len() > cards.len() / 3 && with_photos.len() < cards.len(), "{}", with_photos.len());
    let flags: BTreeSet<String> =
        with_photos.iter().flat_map(|c| &c.photos).flat_map(|p| &p.flags).map(|f| format!("{f:?}")).collect();
    for flag in [PhotoFlag::Dark, PhotoFlag::Bright, PhotoFlag::Blurred, PhotoFlag::Small] {
        assert!(flags.contains(&format!("{flag:?}")), "no demo photo is {flag:?}: {flags:?}");
    }
    let same_spec: Vec<_> =
        with_photos.iter().filter(|c| c.spec == with_photos[0].spec && c.category == with_photos[0].category).collect();
    assert!(same_spec.iter().all(|c| c.photos == with_photos[0].photos), "cards of one spec share one photo set");

    let app = start(dir).await;
    let admin = app.login("admin", gongwucang::demo::ADMIN_PASSWORD).await;
    let photo = &with_photos[0].photos[0];
    let url = format!("/api/v1/photos/{}", photo.hash);
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let login = serde_json::json!({"username": "admin", "password": gongwucang::demo::ADMIN_PASSWORD});
    client.post(app.url("/api/v1/login")).json(&login).send().await.unwrap();
    let full = client.get(app.url(&url)).send().await.unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.headers()["content-type"], "image/jpeg");
    assert!(full.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let bytes = full.bytes().await.unwrap();
    assert_eq!(gongwucang::media::content_hash(&bytes), photo.hash);
    let thumb = client.get(app.url(&format!("{url}?thumb=1"))).send().await.unwrap().bytes().await.unwrap();
    let small = image::load_from_memory(&thumb).unwrap();
    assert!(small.width().max(small.height()) <= 320);

    assert_eq!(admin.get(&format!("/api/v1/photos/{}", "a".repeat(64))).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.anonymous().get(&url).await.0, StatusCode::UNAUTHORIZED);
}
