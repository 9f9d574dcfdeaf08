//! Card photos: upload (decoded, measured, re-encoded), remove, and apply one card's photo set
//! to every card of the same category and 规格型号 in the unit.

use axum::extract::{DefaultBodyLimit, State};
use serde::Serialize;

use crate::domain::photo::Photo;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::clock;
use crate::media;
use crate::store;
use crate::store::cards::{HistoryEntry, HistorySource};

use super::AppState;
use super::card_views::CardView;
use super::cards::{card_for, card_view};
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Path};
use super::session::Ctx;
use super::upload;

/// The largest photo upload.
pub const PHOTO_LIMIT: usize = 10 * 1024 * 1024;
/// The most photos a card holds (the notice recommends 4–6).
pub use crate::domain::photo::MAX_CARD_PHOTOS as MAX_PHOTOS;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_photo))
        .layer(axum::middleware::from_fn(upload::limit::<PHOTO_LIMIT>))
        .layer(DefaultBodyLimit::max(PHOTO_LIMIT + 64 * 1024))
        .routes(routes!(delete_photo))
        .routes(routes!(apply_to_spec))
}

fn photo_entry(username: &str, field: &str, before: String, after: String, note: &str) -> HistoryEntry {
    HistoryEntry {
        at: clock::now_rfc3339(),
        username: username.to_owned(),
        field: field.to_owned(),
        before,
        after,
        note: note.to_owned(),
        source: HistorySource::Photos,
    }
}

/// `POST /cards/{id}/photos` answers the photo (API.md) and the updated card.
#[derive(Serialize, ToSchema)]
pub struct UploadedPhoto {
    /// The stored photo with its quality flags.
    #[serde(flatten)]
    pub photo: Photo,
    /// The card with the photo added.
    pub card: CardView,
}

/// Adds a photo (multipart `file`: JPEG, PNG or WebP, ≤ 10 MB); its quality flags come back.
#[utoipa::path(post, path = "/api/v1/cards/{id}/photos", tag = "cards", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "file: the photo"),
    responses((status = 200, body = UploadedPhoto), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> Result<Json<UploadedPhoto>, ApiError> {
    let (store, user) = (state.store.clone(), ctx.user.clone());
    let (card, _) = blocking(move || card_for(&store, &user, &id, true)).await?;
    let (_, bytes) = upload::single_file(request).await?;
    let store = state.store.clone();
    let view = blocking(move || {
        let (photo, stored) = media::ingest(&bytes).map_err(|e| ApiError::Invalid(e.to_string()))?;
        let card = store.write(&Actor::user(&ctx.user), |tx| {
            let mut card =
                store::cards::get(tx, &card.id)?.ok_or_else(|| DomainError::NotFound("资产卡片不存在".to_owned()))?;
            if card.photos.iter().any(|p| p.hash == photo.hash) {
                return Err(DomainError::conflict("这张照片已在该卡片中").into());
            }
            if card.photos.len() >= MAX_PHOTOS {
                return Err(
                    DomainError::invalid(format!("每张卡片最多 {MAX_PHOTOS} 张照片，请先删除不清晰的照片")).into()
                );
            }
            store::cards::put_photo(tx, &photo.hash, &stored)?;
            let before = card.photos.len();
            card.photos.push(photo.clone());
            card.updated_at = clock::now_rfc3339();
            store::cards::update(tx, &card)?;
            let flags: Vec<&str> = photo.flags.iter().map(|f| f.label()).collect();
            let note = if flags.is_empty() {
                "照片清晰".to_owned()
            } else {
                format!("照片{}，建议重拍", flags.join("、"))
            };
            let entry = photo_entry(
                &ctx.user.username,
                "照片",
                format!("{before} 张"),
                format!("{} 张", card.photos.len()),
                &note,
            );
            store::cards::record(tx, &card.id, [entry])?;
            let summary = format!("资产卡片 {} 上传照片（{}×{}，{note}）", card.asset_code, photo.width, photo.height);
            Ok((
                card.clone(),
                AuditEntry::new(
                    "card_photo_added",
                    format!("card:{}", card.id),
                    summary,
                    Some(ctx.user.region.to_string()),
                ),
            ))
        })?;
        Ok(UploadedPhoto { card: card_view(&store, &card)?, photo })
    })
    .await?;
    Ok(Json(view))
}

/// Removes a photo from a card (the bytes stay: other cards may share them).
#[utoipa::path(delete, path = "/api/v1/cards/{id}/photos/{hash}", tag = "cards", params(("id" = String, Path), ("hash" = String, Path)),
    responses((status = 200, body = CardView), (status = 404, body = ErrorBody)))]
async fn delete_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, hash)): Path<(String, String)>,
) -> Result<Json<CardView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let (card, _) = card_for(&store, &ctx.user, &id, true)?;
        let card = store.write(&Actor::user(&ctx.user), |tx| {
            let mut card =
                store::cards::get(tx, &card.id)?.ok_or_else(|| DomainError::NotFound("资产卡片不存在".to_owned()))?;
            let before = card.photos.len();
            card.photos.retain(|p| p.hash != hash);
            if card.photos.len() == before {
                return Err(DomainError::NotFound("该卡片没有这张照片".to_owned()).into());
            }
            card.updated_at = clock::now_rfc3339();
            store::cards::update(tx, &card)?;
            let entry = photo_entry(
                &ctx.user.username,
                "照片",
                format!("{before} 张"),
                format!("{} 张", card.photos.len()),
                "删除照片",
            );
            store::cards::record(tx, &card.id, [entry])?;
            let summary = format!("资产卡片 {} 删除照片", card.asset_code);
            Ok((
                card.clone(),
                AuditEntry::new(
                    "card_photo_removed",
                    format!("card:{}", card.id),
                    summary,
                    Some(ctx.user.region.to_string()),
                ),
            ))
        })?;
        card_view(&store, &card)
    })
    .await?;
    Ok(Json(view))
}

/// How many cards took the photo set.
#[derive(Serialize, ToSchema)]
pub struct Applied {
    /// Cards updated.
    pub updated: u64,
}

/// Gives every other card of the unit with the same category and 规格型号 this card's photos
/// (notice 四(三): "同一规格型号的资产可上传相同照片"), in one transaction.
#[utoipa::path(post, path = "/api/v1/cards/{id}/photos/apply-to-spec", tag = "cards", params(("id" = String, Path)),
    responses((status = 200, body = Applied), (status = 422, body = ErrorBody)))]
async fn apply_to_spec(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Applied>, ApiError> {
    let store = state.store.clone();
    let updated = blocking(move || {
        let (card, _) = card_for(&store, &ctx.user, &id, true)?;
        if card.spec.trim().is_empty() {
            return Err(ApiError::Invalid("该卡片没有规格型号，无法找到同型号资产".to_owned()));
        }
        if card.photos.is_empty() {
            return Err(ApiError::Invalid("该卡片还没有照片".to_owned()));
        }
        let same_model = |other: &crate::domain::card::AssetCard| {
            other.unit_id == card.unit_id
                && other.id != card.id
                && other.category == card.category
                && other.spec == card.spec
                && other.photos != card.photos
                && other.active_listing_id.is_none()
        };
        if !store.read(store::cards::all)?.iter().any(same_model) {
            return Ok(0);
        }
        Ok(store.write(&Actor::user(&ctx.user), |tx| {
            let mut updated = 0u64;
            for mut other in store::cards::all(tx)? {
                if !same_model(&other) {
                    continue;
                }
                let before = other.photos.len();
                other.photos = card.photos.clone();
                other.updated_at = clock::now_rfc3339();
                store::cards::update(tx, &other)?;
                let note = format!("应用 {} 的照片（同型号 {}）", card.asset_code, card.spec);
                let entry = photo_entry(
                    &ctx.user.username,
                    "照片",
                    format!("{before} 张"),
                    format!("{} 张", other.photos.len()),
                    &note,
                );
                store::cards::record(tx, &other.id, [entry])?;
                updated += 1;
            }
            let summary =
                format!("将资产卡片 {} 的照片应用到同型号（{}）资产 {updated} 张", card.asset_code, card.spec);
            Ok((
                updated,
                AuditEntry::new(
                    "card_photos_applied",
                    format!("card:{}", card.id),
                    summary,
                    Some(ctx.user.region.to_string()),
                ),
            ))
        })?)
    })
    .await?;
    Ok(Json(Applied { updated }))
}
