//! 系统管理 › 数据交换 › 对端节点: the parent and child nodes bundle files are exchanged with.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::audit::Actor;
use crate::domain::node;
use crate::domain::peer::{NewPeer, Peer, PeerRole};
use crate::store;

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json, Path};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_peers, add_peer)).routes(routes!(revoke_peer))
}

/// A peer as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct PeerView {
    /// `region-hash`.
    pub node_id: String,
    /// parent or child.
    pub role: PeerRole,
    /// Region code.
    pub region: String,
    /// 辽宁省 / 沈阳市.
    pub region_path: String,
    /// Name.
    pub name: String,
    /// ed25519 public key, hex.
    pub public_key: String,
    /// 8 groups of 4 hex digits, to compare over the phone.
    pub fingerprint: String,
    /// RFC 3339.
    pub added_at: String,
    /// When it was 停用, RFC 3339.
    pub revoked_at: Option<String>,
    /// Why.
    pub revoked_reason: Option<String>,
}

/// 停用 a peer.
#[derive(Deserialize, ToSchema)]
pub struct RevokePeer {
    /// Why (required), e.g. 对方更换了密钥.
    pub reason: String,
}

fn view(peer: &Peer, reference: &crate::domain::reference::Reference) -> PeerView {
    PeerView {
        node_id: peer.node_id.clone(),
        role: peer.role,
        region: peer.region.to_string(),
        region_path: reference.region_path(peer.region.as_str()),
        name: peer.name.clone(),
        public_key: peer.public_key.clone(),
        fingerprint: node::fingerprint(&hex::decode(&peer.public_key).unwrap_or_default()),
        added_at: peer.added_at.clone(),
        revoked_at: peer.revoked_at.clone(),
        revoked_reason: peer.revoked_reason.clone(),
    }
}

/// The registered peers, parent first.
#[utoipa::path(get, path = "/api/v1/peers", tag = "node", responses((status = 200, body = Items<PeerView>), (status = 403, body = ErrorBody)))]
async fn list_peers(State(state): State<AppState>, _ctx: Ctx) -> Result<Json<Items<PeerView>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        let mut peers = store.read(store::peers::all)?;
        peers.sort_by_key(|p| (p.role != PeerRole::Parent, p.region.to_string()));
        let reference = store.reference();
        Ok(peers.iter().map(|p| view(p, &reference)).collect())
    })
    .await?;
    Ok(Json(Items { items }))
}

/// Registers a parent or child node after its key was compared (`gongwucang peer add` does the same).
#[utoipa::path(post, path = "/api/v1/peers", tag = "node", request_body = NewPeer,
    responses((status = 201, body = PeerView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_peer(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewPeer>,
) -> Result<(StatusCode, Json<PeerView>), ApiError> {
    let store = state.store.clone();
    let shown = blocking(move || {
        let reference = store.reference();
        let peer = store.write(&Actor::user(&ctx.user), |tx| store::peers::add(tx, &body, &reference))?;
        Ok(view(&peer, &reference))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// 停用: bundles from the peer are refused and nothing more is exported to it; the registration
/// and the history stay.
#[utoipa::path(post, path = "/api/v1/peers/{id}/revoke", tag = "node", params(("id" = String, Path)), request_body = RevokePeer,
    responses((status = 200, body = PeerView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn revoke_peer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<RevokePeer>,
) -> Result<Json<PeerView>, ApiError> {
    let store = state.store.clone();
    let shown = blocking(move || {
        let reference = store.reference();
        let peer = store.write(&Actor::user(&ctx.user), |tx| store::peers::revoke(tx, &id, &body.reason))?;
        Ok(view(&peer, &reference))
    })
    .await?;
    Ok(Json(shown))
}
