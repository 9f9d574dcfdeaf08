//! 关于 and 系统设置: the support contacts everyone can read, set by the admin with audit.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn the_admin_sets_the_support_contacts_that_about_shows_to_everyone() {
    let app = spawn_app().await;
    let anonymous = app.anonymous();
    let (status, about) = anonymous.get("/api/v1/about").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(about["product"], "公物仓");
    assert_eq!(about["node"]["region"], "210100");
    assert_eq!(about["business_contact"]["phone"], "", "not set yet");

    let admin = app.admin().await;
    let (status, settings) = admin.get("/api/v1/settings").await;
    assert_eq!((status, settings["stale_listing_days"].as_u64()), (StatusCode::OK, Some(180)));
    assert_eq!(settings["stale_demand_days"], 90);

    let mut body = json!({
        "business_contact": {"name": " 沈阳市财政局资产管理处 ", "phone": "024-22751001"},
        "technical_contact": {"name": "公物仓技术支持", "phone": "电话待定"},
        "stale_listing_days": 120, "stale_demand_days": 60
    });
    let (status, refused) = admin.request(Method::PUT, "/api/v1/settings", Some(&body)).await;
    assert_eq!((status, code(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"), "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("技术问题联系电话"), "{refused}");
    body["technical_contact"]["phone"] = json!("024-82859510 转 8001");
    body["stale_listing_days"] = json!(3);
    let (status, refused) = admin.request(Method::PUT, "/api/v1/settings", Some(&body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused["error"]["message"].as_str().unwrap().contains("30 至 3650"), "{refused}");
    assert_eq!(admin.get("/api/v1/settings").await.1["stale_listing_days"], 180, "a refused save changes nothing");

    body["stale_listing_days"] = json!(120);
    let (status, saved) = admin.request(Method::PUT, "/api/v1/settings", Some(&body)).await;
    assert_eq!((status, saved["business_contact"]["name"].as_str()), (StatusCode::OK, Some("沈阳市财政局资产管理处")));
    let about = anonymous.get("/api/v1/about").await.1;
    assert_eq!(about["business_contact"]["phone"], "024-22751001");
    assert_eq!(about["technical_contact"]["phone"], "024-82859510 转 8001");
    let events = admin.audit("?action=settings_updated").await.1;
    assert_eq!(events["total"], 1, "one audited save: {events}");
    assert!(events["items"][0]["summary"].as_str().unwrap().contains("长期未调剂共享提醒 120 天"), "{events}");
}
