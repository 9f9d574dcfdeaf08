//! 存放地点: the unit's location tree — list, add, rename, delete.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::location::{self, Location, LocationLevel, LocationTree};
use crate::domain::user::User;
use crate::store::{self, Store};

use super::AppState;
use super::cards::readable_units;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json, Path, Query};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_locations, create_location))
        .routes(routes!(rename_location, delete_location))
}

/// A location as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct LocationView {
    /// Opaque id.
    pub id: String,
    /// The unit.
    pub unit_id: String,
    /// The node above.
    pub parent_id: Option<String>,
    /// compound, building, floor or room.
    pub level: LocationLevel,
    /// Its name.
    pub name: String,
    /// 院落 › 楼栋 › 楼层 › 房间.
    pub path: String,
    /// Cards located exactly here.
    pub card_count: u64,
    /// Direct children.
    pub child_count: u64,
}

fn view(tree: &LocationTree, location: &Location, cards: &[crate::domain::card::AssetCard]) -> LocationView {
    LocationView {
        id: location.id.clone(),
        unit_id: location.unit_id.clone(),
        parent_id: location.parent_id.clone(),
        level: location.level,
        name: location.name.clone(),
        path: tree.path(&location.id),
        card_count: cards.iter().filter(|c| c.location_id.as_deref() == Some(location.id.as_str())).count() as u64,
        child_count: tree.children(&location.id).len() as u64,
    }
}

/// `?unit_id` for authorities.
#[derive(Deserialize, IntoParams)]
pub struct LocationQuery {
    /// The unit (authority); unit users always see their own.
    pub unit_id: Option<String>,
}

/// A unit's whole tree, flat, ordered by path.
#[utoipa::path(get, path = "/api/v1/locations", tag = "locations", params(LocationQuery),
    responses((status = 200, body = Items<LocationView>), (status = 403, body = ErrorBody)))]
async fn list_locations(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<LocationQuery>,
) -> Result<Json<Items<LocationView>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        let units = readable_units(&store, &ctx.user, query.unit_id.as_deref())?;
        let unit = match units.as_slice() {
            [unit] => unit.clone(),
            _ => return Err(ApiError::Invalid("请选择单位（unit_id）".to_owned())),
        };
        let (tree, cards) =
            store.read(|r| Ok((store::locations::tree(r, &unit.id)?, store::cards::of_unit(r, &unit.id)?)))?;
        let mut items: Vec<LocationView> = tree.all().map(|l| view(&tree, l, &cards)).collect();
        items.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(items)
    })
    .await?;
    Ok(Json(Items { items }))
}

/// `POST /locations` body.
#[derive(Deserialize, ToSchema)]
pub struct NewLocation {
    /// The node above (none: a new compound).
    pub parent_id: Option<String>,
    /// Its name.
    pub name: String,
}

/// `PATCH /locations/{id}` body.
#[derive(Deserialize, ToSchema)]
pub struct RenameLocation {
    /// The new name.
    pub name: String,
}

fn own_unit(user: &User) -> Result<String, ApiError> {
    user.unit_id.clone().ok_or_else(|| ApiError::Forbidden("只有单位经办岗可以维护存放地点".to_owned()))
}

fn location_of(store: &Store, user: &User, id: &str) -> Result<Location, ApiError> {
    let location =
        store.read(|r| store::locations::get(r, id))?.ok_or_else(|| ApiError::NotFound("存放地点不存在".to_owned()))?;
    if Some(&location.unit_id) != user.unit_id.as_ref() {
        return Err(ApiError::Forbidden("无权修改其他单位的存放地点".to_owned()));
    }
    Ok(location)
}

/// Adds a node; its level follows the parent's.
#[utoipa::path(post, path = "/api/v1/locations", tag = "locations", request_body = NewLocation,
    responses((status = 201, body = LocationView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_location(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewLocation>,
) -> Result<(StatusCode, Json<LocationView>), ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let unit_id = own_unit(&ctx.user)?;
        let parent = body
            .parent_id
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(|p| location_of(&store, &ctx.user, p))
            .transpose()?;
        let level = location::level_under(parent.as_ref())?;
        let name = location::validate_name(&body.name)?;
        let location = store.write(&Actor::user(&ctx.user), |tx| {
            let tree = store::locations::tree(tx, &unit_id)?;
            if tree.find_child(&unit_id, parent.as_ref().map(|p| p.id.as_str()), &name).is_some() {
                return Err(DomainError::conflict(format!("同一上级下已有名为“{name}”的存放地点")).into());
            }
            let location = Location {
                id: tx.next_id("l")?,
                unit_id: unit_id.clone(),
                parent_id: parent.as_ref().map(|p| p.id.clone()),
                level,
                name,
            };
            store::locations::put(tx, &location)?;
            let path = if let Some(p) = &parent {
                format!("{} › {}", tree.path(&p.id), location.name)
            } else {
                location.name.clone()
            };
            let summary = format!("新增存放地点（{}）{path}", level.label());
            Ok((
                location.clone(),
                AuditEntry::new(
                    "location_created",
                    format!("location:{}", location.id),
                    summary,
                    Some(ctx.user.region.to_string()),
                ),
            ))
        })?;
        let tree = store.read(|r| store::locations::tree(r, &unit_id))?;
        Ok(view(&tree, &location, &[]))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Renames a node.
#[utoipa::path(patch, path = "/api/v1/locations/{id}", tag = "locations", params(("id" = String, Path)), request_body = RenameLocation,
    responses((status = 200, body = LocationView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn rename_location(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<RenameLocation>,
) -> Result<Json<LocationView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let location = location_of(&store, &ctx.user, &id)?;
        let name = location::validate_name(&body.name)?;
        let renamed = store.write(&Actor::user(&ctx.user), |tx| {
            let tree = store::locations::tree(tx, &location.unit_id)?;
            if tree
                .find_child(&location.unit_id, location.parent_id.as_deref(), &name)
                .is_some_and(|l| l.id != location.id)
            {
                return Err(DomainError::conflict(format!("同一上级下已有名为“{name}”的存放地点")).into());
            }
            let before = tree.path(&location.id);
            let renamed = Location { name, ..location.clone() };
            store::locations::put(tx, &renamed)?;
            let summary = format!("存放地点 {before} 改名为“{}”", renamed.name);
            Ok((
                renamed.clone(),
                AuditEntry::new(
                    "location_renamed",
                    format!("location:{}", renamed.id),
                    summary,
                    Some(ctx.user.region.to_string()),
                ),
            ))
        })?;
        let (tree, cards) = store.read(|r| {
            Ok((store::locations::tree(r, &renamed.unit_id)?, store::cards::of_unit(r, &renamed.unit_id)?))
        })?;
        Ok(view(&tree, &renamed, &cards))
    })
    .await?;
    Ok(Json(view))
}

/// Deletes a node that has no children and no cards.
#[utoipa::path(delete, path = "/api/v1/locations/{id}", tag = "locations", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_location(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let store = state.store.clone();
    blocking(move || {
        let location = location_of(&store, &ctx.user, &id)?;
        store.write(&Actor::user(&ctx.user), |tx| {
            let tree = store::locations::tree(tx, &location.unit_id)?;
            if !tree.children(&location.id).is_empty() {
                return Err(DomainError::conflict("该存放地点下还有下级地点，不能删除").into());
            }
            let used = store::cards::of_unit(tx, &location.unit_id)?
                .iter()
                .filter(|c| c.location_id.as_deref() == Some(location.id.as_str()))
                .count();
            if used > 0 {
                return Err(DomainError::conflict(format!(
                    "还有 {used} 张资产卡片存放在此，不能删除；请先通过信息卡变动调整存放地点"
                ))
                .into());
            }
            let summary = format!("删除存放地点 {}", tree.path(&location.id));
            store::locations::remove(tx, &location.id)?;
            Ok((
                (),
                AuditEntry::new(
                    "location_deleted",
                    format!("location:{}", location.id),
                    summary,
                    Some(ctx.user.region.to_string()),
                ),
            ))
        })?;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
