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

pub fn png(width: u32, height: u32, shade: impl Fn(u32, u32) -> u8) -> Vec<u8> {
    let image = image::GrayImage::from_fn(width, height, |x, y| image::Luma([shade(x, y)]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(image).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub fn sharp(x: u32, y: u32) -> u8 {
    if (x / 8 + y / 8).is_multiple_of(2) { 70 } else { 190 }
}

#[tokio::test]
async fn photos_are_measured_on_upload_flagged_not_refused_and_applied_to_the_same_model() {
    let (_app, clerk) = clerk_app().await;
    let (_, first) =
        clerk.post("/api/v1/cards", &card_body("ZC1", "台式计算机", "A02010105", 1, 500_000, 100_000, "idle")).await;
    let (_, second) =
        clerk.post("/api/v1/cards", &card_body("ZC2", "台式计算机", "A02010105", 1, 500_000, 100_000, "idle")).await;
    let upload = format!("/api/v1/cards/{}/photos", first["id"].as_str().unwrap());

    let (status, photo) = clerk.upload(&upload, "clear.png", png(1200, 900, sharp)).await;
    assert_eq!(status, StatusCode::OK, "{photo}");
    assert_eq!(photo["flags"], serde_json::json!([]), "the answer is the photo (API.md)");
    let (status, photo) = clerk.upload(&upload, "dark.png", png(1200, 900, |x, y| sharp(x, y) / 6)).await;
    assert_eq!(status, StatusCode::OK, "{photo}");
    assert_eq!(photo["flags"], serde_json::json!(["dark"]));
    let (_, photo) = clerk.upload(&upload, "small.png", png(640, 480, sharp)).await;
    assert_eq!(photo["flags"], serde_json::json!(["small"]));
    let card = photo["card"].clone();
    assert_eq!(card["photos"][2]["hash"], photo["hash"]);
    assert_eq!(card["photo_problems"], serde_json::json!(["few_photos", "flagged_photos"]));
    let stored = &card["photos"][0];
    assert_eq!((stored["width"].as_u64(), stored["height"].as_u64()), (Some(1200), Some(900)));

    let (status, body) = clerk.upload(&upload, "photo.jpg", fixture("ledger/bad/not-an-image.jpg")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("无法识别的图片"));

    let (status, applied) = clerk.post(&format!("{upload}/apply-to-spec"), &serde_json::json!({})).await;
    assert_eq!((status, applied["updated"].as_u64()), (StatusCode::OK, Some(1)), "{applied}");
    let other = clerk.get(&format!("/api/v1/cards/{}", second["id"].as_str().unwrap())).await.1;
    assert_eq!(other["photos"], card["photos"]);
    assert_eq!(other["history"][0]["source"], "photos");

    let hash = card["photos"][1]["hash"].as_str().unwrap();
    let (status, card) = clerk.delete(&format!("{upload}/{hash}")).await;
    assert_eq!((status, card["photos"].as_array().unwrap().len()), (StatusCode::OK, 2));
}

#[tokio::test]
async fn an_uploaded_photo_is_re_encoded_without_its_metadata() {
    let (app, clerk) = clerk_app().await;
    let (_, card) =
        clerk.post("/api/v1/cards", &card_body("ZC1", "台式计算机", "A02010105", 1, 500_000, 100_000, "idle")).await;
    // A JPEG with an EXIF (APP1) segment right after the start-of-image marker, as cameras write it.
    let image =
        image::DynamicImage::ImageLuma8(image::GrayImage::from_fn(1200, 900, |x, y| image::Luma([sharp(x, y)])));
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let mut bytes = jpeg.into_inner();
    let exif = b"Exif\0\0secret GPS 41.8N 123.4E";
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    segment.extend_from_slice(exif);
    bytes.splice(2..2, segment);
    assert!(bytes.windows(6).any(|w| w == b"secret"));

    let (status, photo) =
        clerk.upload(&format!("/api/v1/cards/{}/photos", card["id"].as_str().unwrap()), "a.jpg", bytes.clone()).await;
    assert_eq!(status, StatusCode::OK, "{photo}");
    let hash = photo["hash"].as_str().unwrap();
    assert_ne!(gongwucang::media::content_hash(&bytes), hash, "stored bytes are a fresh encoding");
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let login = serde_json::json!({"username": "210102001001jb", "password": CHANGED});
    client.post(app.url("/api/v1/login")).json(&login).send().await.unwrap();
    let stored = client.get(app.url(&format!("/api/v1/photos/{hash}"))).send().await.unwrap().bytes().await.unwrap();
    assert!(stored.starts_with(&[0xFF, 0xD8]), "stored as JPEG");
    assert!(!stored.windows(6).any(|w| w == b"secret"), "the EXIF text is gone");
}
