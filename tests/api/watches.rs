//! 关注 through the API: a unit follows a category or a keyword, sees the listings offered to it
//! that match, new ones on its to-do until it looks; only its clerk keeps them.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::listings::{Unit, decide, entry, listed, unit};
use gongwucang::domain::audit::{Actor as AuditActor, AuditEntry};
use gongwucang::domain::clock;
use gongwucang::store::{self, Store};

fn count(todo: &Value, kind: &str) -> u64 {
    todo["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).map_or(0, |i| i["count"].as_u64().unwrap())
}

async fn offer(clerk: &Session, reviewer: &Session, code: &str, name: &str, category: &str, scope: &str) -> String {
    let (status, card) =
        clerk.post("/api/v1/cards", &card_body(code, name, category, 1, 300_000, 100_000, "idle")).await;
    assert_eq!(status, StatusCode::CREATED, "{card}");
    let id = listed(clerk, entry(card["id"].as_str().unwrap(), false, scope, true)).await;
    decide(reviewer, &format!("/api/v1/listings/{id}/review"), "approve").await;
    id
}

#[tokio::test]
async fn a_watch_shows_new_matching_listings_on_the_to_do_until_the_clerk_looks() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let heping = unit(&app, &admin, "210102", "001001").await;
    unit(&app, &admin, "210103", "002001").await;
    let early = offer(&heping.clerk, &heping.reviewer, "ZC1", "台式计算机", "A02010105", "city").await;
    // Published yesterday (times have one-second precision: the later offers and the look must not
    // share its second).
    let dir = app.stop().await;
    {
        let store = Store::open(dir.path()).unwrap();
        let yesterday = clock::format_rfc3339(time::OffsetDateTime::now_utc() - time::Duration::days(1));
        store
            .write(&AuditActor::system(), |tx| {
                let mut listing = store::listings::get(tx, &early)?.unwrap();
                listing.published_at = Some(yesterday.clone());
                store::listings::put(tx, &listing)?;
                Ok((
                    (),
                    AuditEntry::new(
                        "test_backdated",
                        format!("listing:{early}"),
                        "测试：回拨入仓日期".to_owned(),
                        None,
                    ),
                ))
            })
            .unwrap();
    }
    let app = start(dir).await;
    let heping =
        Unit { clerk: app.login("210102001001jb", CHANGED).await, reviewer: app.login("210102001001", CHANGED).await };
    let shenhe =
        Unit { clerk: app.login("210103002001jb", CHANGED).await, reviewer: app.login("210103002001", CHANGED).await };

    // Setting one up: a category, a keyword or both; checked; once.
    let (status, body) = shenhe.clerk.post("/api/v1/watches", &json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = shenhe.clerk.post("/api/v1/watches", &json!({"category": "Z9999"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, computers) = shenhe.clerk.post("/api/v1/watches", &json!({"category": "A02010100"})).await;
    assert_eq!(status, StatusCode::CREATED, "{computers}");
    assert!(computers["category_name"].as_str().unwrap().contains("计算机"), "{computers}");
    assert_eq!((computers["matches"].as_u64(), computers["new"].as_u64()), (Some(1), Some(1)), "{computers}");
    let (status, again) = shenhe.clerk.post("/api/v1/watches", &json!({"category": "A02010100"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    let (status, chairs) = shenhe.clerk.post("/api/v1/watches", &json!({"keyword": " 办公椅 "})).await;
    assert_eq!((status, chairs["keyword"].as_str()), (StatusCode::CREATED, Some("办公椅")), "{chairs}");
    assert_eq!(shenhe.reviewer.post("/api/v1/watches", &json!({"keyword": "x"})).await.0, StatusCode::FORBIDDEN);

    let todo = shenhe.clerk.todo().await.1;
    assert_eq!(count(&todo, "watch_new"), 1, "{todo}");
    let item = todo["items"].as_array().unwrap().iter().find(|i| i["kind"] == "watch_new").unwrap().clone();
    assert_eq!(item["link"], "/warehouse/watches");

    // Looking clears the to-do; a later listing is new again; a listing out of view never shows.
    let id = computers["id"].as_str().unwrap();
    let found = shenhe.clerk.get(&format!("/api/v1/watches/{id}/listings")).await.1;
    assert_eq!(found["items"][0]["listing"]["id"], early.as_str());
    assert_eq!(found["items"][0]["new"], true);
    assert_eq!(shenhe.clerk.post(&format!("/api/v1/watches/{id}/seen"), &json!({})).await.0, StatusCode::NO_CONTENT);
    assert_eq!(count(&shenhe.clerk.todo().await.1, "watch_new"), 0);
    offer(&heping.clerk, &heping.reviewer, "ZC2", "办公椅", "A05010201", "city").await;
    let hidden = offer(&heping.clerk, &heping.reviewer, "ZC3", "笔记本电脑", "A02010106", "county").await;
    let later = offer(&heping.clerk, &heping.reviewer, "ZC4", "便携式计算机", "A02010106", "city").await;
    assert_eq!(count(&shenhe.clerk.todo().await.1, "watch_new"), 2, "one computer and one chair");
    let found = shenhe.clerk.get(&format!("/api/v1/watches/{id}/listings")).await.1;
    let shown: Vec<(&str, bool)> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["listing"]["id"].as_str().unwrap(), m["new"].as_bool().unwrap()))
        .collect();
    assert_eq!(shown, [(later.as_str(), true), (early.as_str(), false)], "newest first; {hidden} is only for 和平区");
    let list = shenhe.clerk.get("/api/v1/watches").await.1;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert_eq!((list["items"][0]["matches"].as_u64(), list["items"][0]["new"].as_u64()), (Some(2), Some(1)));

    // Only the unit's clerk sees and removes its watches.
    assert_eq!(heping.clerk.get(&format!("/api/v1/watches/{id}/listings")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(heping.clerk.delete(&format!("/api/v1/watches/{id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(heping.clerk.get("/api/v1/watches").await.1["items"], json!([]));
    assert_eq!(shenhe.clerk.delete(&format!("/api/v1/watches/{id}")).await.0, StatusCode::NO_CONTENT);
    assert_eq!(shenhe.clerk.get(&format!("/api/v1/watches/{id}/listings")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(count(&shenhe.clerk.todo().await.1, "watch_new"), 1, "the chair is still new");
}
