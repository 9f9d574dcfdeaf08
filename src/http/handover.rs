//! 资产调剂交接单: the document both units sign when a transfer or share is done — the two units,
//! the asset's facts, the quantity and values handed over, and the recorded result. The UI prints
//! it on A4; who may read it is `domain::listing::may_read_handover`.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::interest::InterestState;
use crate::domain::listing::{self, ResultMethod};
use crate::store;

use super::AppState;
use super::card_views::CardContext;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Path};
use super::listings::actor_of;
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(handover))
}

/// One side of the handover.
#[derive(Serialize, ToSchema)]
pub struct HandoverParty {
    /// The unit, when it is a unit of this node (or the offering unit of a received listing).
    pub unit_id: Option<String>,
    /// 单位名称.
    pub name: String,
    /// 财政区划代码.
    pub region: Option<String>,
    /// Its name.
    pub region_name: Option<String>,
    /// 预算代码.
    pub budget_code: Option<String>,
    /// 主管部门.
    pub department: Option<String>,
    /// 联系人.
    pub contact_name: Option<String>,
    /// 联系电话.
    pub contact_phone: Option<String>,
}

/// The asset handed over.
#[derive(Serialize, ToSchema)]
pub struct HandoverAsset {
    /// 资产编号.
    pub asset_code: String,
    /// 资产名称.
    pub name: String,
    /// 资产分类代码.
    pub category: String,
    /// Its name.
    pub category_name: String,
    /// 规格型号.
    pub spec: String,
    /// 品牌.
    pub brand: String,
    /// 计量单位.
    pub measure_unit: String,
    /// 取得日期.
    pub acquired_on: String,
    /// The card's quantity.
    pub card_quantity: u32,
    /// The card's 原值, fen.
    pub card_original_value_fen: i64,
    /// The card's 净值, fen.
    pub card_net_value_fen: i64,
}

/// `GET /listings/{id}/handover`.
#[derive(Serialize, ToSchema)]
pub struct HandoverView {
    /// 交接单编号.
    pub document_no: String,
    /// The listing.
    pub listing_id: String,
    /// The node that keeps the record.
    pub node_name: String,
    /// 调剂 / 共享.
    pub mode: listing::Mode,
    /// 调剂方式.
    pub method: ResultMethod,
    /// Its Chinese name.
    pub method_label: String,
    /// 调出（提供）方.
    pub supplier: HandoverParty,
    /// 调入（使用）方.
    pub receiver: HandoverParty,
    /// The asset.
    pub asset: HandoverAsset,
    /// 交接数量.
    pub quantity: u32,
    /// 原值 of the quantity handed over, fen.
    pub original_value_fen: i64,
    /// 净值 of the quantity handed over, fen.
    pub net_value_fen: i64,
    /// 交接日期.
    pub date: String,
    /// 使用期限至 (共享使用, 出租, 出借).
    pub until: Option<String>,
    /// 备注.
    pub note: String,
    /// 拟用途 of the interest it came from, when there was one.
    pub purpose: Option<String>,
    /// When the result was recorded, RFC 3339.
    pub recorded_at: String,
}

fn method_label(method: ResultMethod) -> &'static str {
    match method {
        ResultMethod::Allocation => "无偿调拨",
        ResultMethod::SharedUse => "共享使用",
        ResultMethod::Lease => "出租",
        ResultMethod::Loan => "出借",
        ResultMethod::Other => "其他",
    }
}

/// 资产调剂交接单 of a completed listing.
#[utoipa::path(get, path = "/api/v1/listings/{id}/handover", tag = "listings", params(("id" = String, Path)),
    responses((status = 200, body = HandoverView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn handover(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<HandoverView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let (listing, card, supplier, receiver_unit, interests, node) = store.read(|r| {
            let listing =
                store::listings::get(r, &id)?.ok_or_else(|| DomainError::NotFound("入仓申请不存在".to_owned()))?;
            listing::may_read_handover(&listing, &actor_of(user)).map_err(DomainError::from)?;
            let card = store::relay::card_of(r, &listing)?
                .ok_or_else(|| DomainError::NotFound("入仓资产的卡片不存在".to_owned()))?;
            let supplier = store::units::get(r, &listing.unit_id)?;
            let receiver_id = listing.result.as_ref().and_then(|x| x.receiver_unit_id.clone());
            let receiver_unit = match receiver_id {
                Some(rid) => store::units::get(r, &rid)?,
                None => None,
            };
            Ok((listing, card, supplier, receiver_unit, store::interests::of_listing(r, &id)?, store::node::get(r)?))
        })?;
        let reference = store.reference();
        let context = store.read(|r| CardContext::load(r, reference.clone(), std::slice::from_ref(&card.unit_id)))?;
        let card = context.view(&card);
        let result = listing.result.clone().ok_or_else(|| ApiError::Internal("completed without result".to_owned()))?;
        // The interest the result came from: its contact is the receiver's.
        let interest = interests.iter().find(|i| {
            i.state == InterestState::Completed && Some(i.unit_id.as_str()) == result.receiver_unit_id.as_deref()
        });
        let region_name = |code: &str| reference.region_name(code);
        let supplier = HandoverParty {
            unit_id: Some(listing.unit_id.clone()),
            name: supplier
                .as_ref()
                .map(|u| u.name.clone())
                .or(listing.origin.as_ref().map(|o| o.unit_name.clone()))
                .unwrap_or_default(),
            region: Some(listing.unit_region.to_string()),
            region_name: Some(region_name(listing.unit_region.as_str())),
            budget_code: supplier.as_ref().map(|u| u.budget_code.clone()),
            department: Some(listing.unit_department.clone()),
            contact_name: Some(listing.contact_name.clone()),
            contact_phone: Some(listing.contact_phone.clone()),
        };
        let receiver = HandoverParty {
            unit_id: result.receiver_unit_id.clone(),
            name: result.receiver_name.clone(),
            region: result.receiver_region.clone(),
            region_name: result.receiver_region.as_deref().map(region_name),
            budget_code: result.receiver_budget_code.clone(),
            department: receiver_unit.as_ref().map(|u| u.department.clone()),
            contact_name: interest
                .map(|i| i.contact_name.clone())
                .or(receiver_unit.as_ref().map(|u| u.contact_name.clone())),
            contact_phone: interest
                .map(|i| i.contact_phone.clone())
                .or(receiver_unit.as_ref().map(|u| u.contact_phone.clone())),
        };
        let quantity = result.quantity;
        Ok(HandoverView {
            document_no: format!("JJ-{}-{}", result.date.replace('-', ""), listing.id),
            listing_id: listing.id.clone(),
            node_name: node.map(|n| n.name).unwrap_or_default(),
            mode: listing.mode,
            method: result.method,
            method_label: method_label(result.method).to_owned(),
            supplier,
            receiver,
            original_value_fen: listing::value_share(card.original_value_fen, quantity, card.quantity),
            net_value_fen: listing::value_share(card.net_value_fen, quantity, card.quantity),
            asset: HandoverAsset {
                asset_code: card.asset_code,
                name: card.name,
                category: card.category,
                category_name: card.category_name,
                spec: card.spec,
                brand: card.brand,
                measure_unit: card.measure_unit,
                acquired_on: card.acquired_on,
                card_quantity: card.quantity,
                card_original_value_fen: card.original_value_fen,
                card_net_value_fen: card.net_value_fen,
            },
            quantity,
            date: result.date.clone(),
            until: result.until.clone(),
            note: result.note.clone(),
            purpose: interest.map(|i| i.purpose.clone()),
            recorded_at: listing.updated_at.clone(),
        })
    })
    .await?;
    Ok(Json(view))
}
