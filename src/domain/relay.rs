//! What travels between nodes (SPEC §9, notice 二(三)): which peer receives a listing or a demand
//! after it changes, and how a receiving node merges what arrives. Pure; `store::relay` applies
//! it inside the transaction of the change or of the import.
//!
//! - Upward from a local node: platform listings once the authority approved them (待省财政厅报送)
//!   and every later change; demands published with scope 本省 or 全国.
//! - A province node decides 报送至中央 or 驳回 for what its children sent; the decision goes back
//!   down to the sender, a published 全国 listing goes up to the national node, and published
//!   本省/全国 listings go down to every other child. Demands of scope 全国 go up, 本省/全国 down.
//! - The national node sends 全国 listings and demands down to every province but the one they
//!   came from.
//! - Once a peer was sent an item, it is sent every later change (withdrawals, results, closings).
//! - A child's items can only be about its own region; an item is only ever updated through the
//!   peer it came from, except the decision of the province about an item of this node.

use serde::{Deserialize, Serialize};

use super::card::AssetCard;
use super::demand::{Demand, DemandState};
use super::interest::{Hold, Interest, InterestState};
use super::listing::{Listing, ListingResult, NationalState, Origin, Scope};
use super::node::NodeKind;
use super::peer::{Peer, PeerRole};
use super::region::RegionCode;

/// Event kind of a listing snapshot.
pub const LISTING: &str = "listing";
/// Event kind of a demand snapshot.
pub const DEMAND: &str = "demand";
/// Event kind of an interest (意向登记) in a listing of another node.
pub const INTEREST: &str = "interest";

/// A listing as it travels: the listing with ids of the form `id@node`, its provenance, and the
/// card's shareable facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedListing {
    /// The listing (`sent_to` empty, `origin.via` and `origin.received_at` empty).
    pub listing: Listing,
    /// The card, without its location, custodian or links to other cards.
    pub card: AssetCard,
}

/// A demand as it travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedDemand {
    /// The demand (ids of the form `id@node`).
    pub demand: Demand,
}

/// An interest as it travels between the interested unit's node and the listing's node: ids of
/// the form `id@node`, the interested unit's node and name in `origin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedInterest {
    /// The interest.
    pub interest: Interest,
}

/// The id an item of node `node` carries outside it.
pub fn wire_id(id: &str, node: &str) -> String {
    format!("{id}@{node}")
}

/// The node an outside id belongs to.
pub fn node_of(wire: &str) -> Option<&str> {
    wire.rsplit_once('@').map(|(_, node)| node)
}

/// This node's own id inside an outside id of this node (never one that holds another `@`).
pub fn own_id<'a>(wire: &'a str, me: &str) -> Option<&'a str> {
    wire.strip_suffix(me).and_then(|rest| rest.strip_suffix('@')).filter(|own| !own.is_empty() && !own.contains('@'))
}

/// The card's facts that travel with a listing: no location, custodian, using department or
/// links to other cards of the unit.
pub fn shared_card(card: &AssetCard, node: &str) -> AssetCard {
    AssetCard {
        id: wire_id(&card.id, node),
        unit_id: wire_id(&card.unit_id, node),
        location_id: None,
        using_department: String::new(),
        custodian: String::new(),
        parent_id: None,
        active_listing_id: None,
        transferred_listing_id: None,
        shared_with: None,
        ..card.clone()
    }
}

/// The provenance an item carries out of this node: its origin without this node's bookkeeping
/// when it was received, or this node and the unit when it is this node's own.
fn outgoing_origin(origin: Option<&Origin>, node: &str, node_name: &str, unit_name: &str) -> Origin {
    match origin {
        Some(origin) => Origin { via: String::new(), received_at: String::new(), ..origin.clone() },
        None => Origin {
            node: node.to_owned(),
            node_name: node_name.to_owned(),
            unit_name: unit_name.to_owned(),
            via: String::new(),
            received_at: String::new(),
        },
    }
}

/// A listing as it travels from this node (its own, or one it relays).
pub fn outgoing_listing(listing: &Listing, node: &str, node_name: &str, unit_name: &str) -> Listing {
    let origin = Some(outgoing_origin(listing.origin.as_ref(), node, node_name, unit_name));
    if listing.origin.is_some() {
        let hold = listing.hold.clone().map(|h| outgoing_hold(h, node));
        return Listing { origin, hold, sent_to: Vec::new(), ..listing.clone() };
    }
    Listing {
        id: wire_id(&listing.id, node),
        card_id: wire_id(&listing.card_id, node),
        unit_id: wire_id(&listing.unit_id, node),
        // The unit's internal reasons (退仓原因, 审核岗的理由) and the receiving unit's local id stay
        // at home; the province's own 驳回 reason travels on its copy.
        reason: None,
        result: listing.result.clone().map(|r| ListingResult { receiver_unit_id: None, ..r }),
        // 洽谈中 travels, so the other nodes' plazas take it off too.
        hold: listing.hold.clone().map(|h| outgoing_hold(h, node)),
        origin,
        sent_to: Vec::new(),
        ..listing.clone()
    }
}

/// A hold as it travels: the interest and unit it is held for by their outside ids (those of
/// this node's own units get this node's suffix; those of other nodes' units have theirs).
fn outgoing_hold(hold: Hold, node: &str) -> Hold {
    let outside = |id: String| if id.contains('@') { id } else { wire_id(&id, node) };
    Hold { interest_id: outside(hold.interest_id), unit_id: outside(hold.unit_id), ..hold }
}

/// A hold as this node keeps it: held for one of its own units, by that unit's own ids.
pub fn incoming_hold(hold: Hold, me: &str) -> Hold {
    let inside = |id: String| own_id(&id, me).map(str::to_owned).unwrap_or(id);
    Hold { interest_id: inside(hold.interest_id), unit_id: inside(hold.unit_id), ..hold }
}

/// Whether every id of a hold is an outside id (one `@`).
pub fn hold_ids_valid(hold: &Hold) -> bool {
    [&hold.interest_id, &hold.unit_id].iter().all(|id| id.matches('@').count() == 1 && !id.starts_with('@'))
}

/// An interest as it travels from this node: its own unit's (ids made outside ids, this node in
/// its origin), one in a listing of this node (the listing's ids made outside ids), or one it
/// relays (as received, without this node's bookkeeping).
pub fn outgoing_interest(interest: &Interest, node: &str, node_name: &str, unit_name: &str) -> Interest {
    let mut out = interest.clone();
    match &interest.origin {
        None => {
            out.id = wire_id(&interest.id, node);
            out.unit_id = wire_id(&interest.unit_id, node);
            out.origin = Some(outgoing_origin(None, node, node_name, unit_name));
        }
        Some(origin) => {
            out.origin = Some(Origin { via: String::new(), received_at: String::new(), ..origin.clone() });
        }
    }
    if !out.listing_id.contains('@') {
        out.listing_id = wire_id(&interest.listing_id, node);
        out.listing_unit_id = wire_id(&interest.listing_unit_id, node);
    }
    out
}

/// The peers an interest that changed goes to: toward the listing's node (`listing_via`, the peer
/// the listing came from) and toward the interested unit's node (`interest_via`), never back to
/// the peer the change came from.
pub fn interest_recipients(listing_via: Option<&str>, interest_via: Option<&str>, from: Option<&str>) -> Vec<String> {
    let mut to: Vec<String> = [listing_via, interest_via]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty() && Some(*p) != from)
        .map(str::to_owned)
        .collect();
    to.dedup();
    to
}

/// Who is speaking in an interest that arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterestSide {
    /// The interested unit (registers, withdraws): it came from the interest's direction.
    Interested,
    /// The offering unit (accepts, declines, completes): it came from the listing's direction.
    Offering,
}

/// Merges an interest that arrived from `side` into what this node has: the interested unit's
/// word counts for registering and withdrawing, the offering unit's for accepting, declining and
/// completing; a withdrawal stands against a later decision that crossed it. `None` when nothing
/// changes; why not, when the interest cannot be taken over.
pub fn merge_interest(
    existing: Option<&Interest>,
    incoming: Interest,
    side: InterestSide,
) -> Result<Option<Interest>, String> {
    use InterestState::*;
    match (side, existing) {
        (InterestSide::Interested, None) if incoming.state == Open => Ok(Some(incoming)),
        (InterestSide::Interested, None) => Ok(None),
        (InterestSide::Interested, Some(old)) => {
            if incoming.state == Withdrawn && matches!(old.state, Open | Accepted) {
                Ok(Some(Interest {
                    state: Withdrawn,
                    decided_at: incoming.decided_at,
                    origin: old.origin.clone(),
                    ..old.clone()
                }))
            } else {
                Ok(None)
            }
        }
        (InterestSide::Offering, None) => Err(format!("{}：本节点没有该调剂意向", incoming.id)),
        (InterestSide::Offering, Some(old)) => {
            let decided = matches!(incoming.state, Accepted | Declined | Completed);
            if !decided
                || old.state == Withdrawn
                || (old.state, &old.decided_at) == (incoming.state, &incoming.decided_at)
            {
                return Ok(None);
            }
            Ok(Some(Interest {
                state: incoming.state,
                decided_at: incoming.decided_at,
                reason: incoming.reason,
                hold_until: incoming.hold_until,
                ..old.clone()
            }))
        }
    }
}

/// A demand as it travels from this node (its own, or one it relays).
pub fn outgoing_demand(demand: &Demand, node: &str, node_name: &str, unit_name: &str) -> Demand {
    let origin = Some(outgoing_origin(demand.origin.as_ref(), node, node_name, unit_name));
    let (id, unit_id) = if demand.origin.is_some() {
        (demand.id.clone(), demand.unit_id.clone())
    } else {
        (wire_id(&demand.id, node), wire_id(&demand.unit_id, node))
    };
    Demand { id, unit_id, origin, sent_to: Vec::new(), matches_seen_at: None, ..demand.clone() }
}

fn same_province(a: &RegionCode, b: &RegionCode) -> bool {
    a.as_str().get(..2) == b.as_str().get(..2)
}

/// Whether a peer of a node of kind `me` should have the listing now.
pub fn listing_eligible(l: &Listing, me: NodeKind, peer: &Peer) -> bool {
    if !l.national {
        return false;
    }
    match peer.role {
        PeerRole::Parent => match me {
            // Approved by the authority: the province decides.
            NodeKind::Local => {
                matches!(l.national_state, NationalState::PendingProvince | NationalState::PublishedNational)
            }
            NodeKind::Province => l.scope == Scope::National && l.national_state == NationalState::PublishedNational,
            NodeKind::National => false,
        },
        PeerRole::Child => {
            l.national_state == NationalState::PublishedNational
                && l.in_warehouse_plaza()
                && (l.scope == Scope::National || same_province(&l.unit_region, &peer.region))
        }
    }
}

/// Whether a peer of a node of kind `me` should have the demand now.
pub fn demand_eligible(d: &Demand, me: NodeKind, peer: &Peer) -> bool {
    if d.state != DemandState::Published {
        return false;
    }
    let scope = d.fields.scope;
    match peer.role {
        PeerRole::Parent => match me {
            NodeKind::Local => matches!(scope, Scope::Province | Scope::National),
            NodeKind::Province => scope == Scope::National,
            NodeKind::National => false,
        },
        PeerRole::Child => {
            scope == Scope::National || (scope == Scope::Province && same_province(&d.unit_region, &peer.region))
        }
    }
}

/// The peers to send a changed item to: those that should have it now, those that were sent it
/// before (they must learn of its withdrawal), and the peer it came from (for a decision made
/// here) — never the peer the change itself came from, nor the node it belongs to when the
/// change came from there.
pub fn recipients(
    peers: &[Peer],
    eligible: impl Fn(&Peer) -> bool,
    sent_to: &[String],
    via: Option<&str>,
    from: Option<&str>,
) -> Vec<String> {
    peers
        .iter()
        .filter(|p| Some(p.node_id.as_str()) != from)
        .filter(|p| eligible(p) || sent_to.contains(&p.node_id) || via == Some(p.node_id.as_str()))
        .map(|p| p.node_id.clone())
        .collect()
}

/// Why an item received from `peer` by a node of kind `me` is not accepted, if it is not. `ids`
/// are every id the item carries (its own, its unit's, its card's): all must belong to the origin
/// node. A child speaks only for itself (a province's child, a local node) or for nodes of its
/// region (the national node's child, a province), and only for units of its region; an item is
/// updated only through the peer it first came from.
pub fn check_received(
    me: NodeKind,
    peer: &Peer,
    ids: &[&str],
    unit_region: &RegionCode,
    origin: Option<&Origin>,
    existing_via: Option<&str>,
) -> Result<(), String> {
    let id = ids.first().copied().unwrap_or_default();
    let Some(origin) = origin else {
        return Err(format!("{id}：缺少来源节点"));
    };
    if ids.iter().any(|i| node_of(i) != Some(origin.node.as_str()) || i.matches('@').count() != 1) {
        return Err(format!("{id}：编号与来源节点 {} 不符", origin.node));
    }
    if peer.role == PeerRole::Child {
        if !peer.region.contains(unit_region) {
            return Err(format!(
                "{id}：下级节点 {} 只能报送本地区单位的信息（单位所在地区 {unit_region}）",
                peer.node_id
            ));
        }
        let origin_region = origin.node.split_once('-').and_then(|(r, _)| RegionCode::parse(r).ok());
        let speaks_for = match me {
            NodeKind::Province | NodeKind::Local => origin.node == peer.node_id,
            NodeKind::National => origin_region.is_some_and(|r| peer.region.contains(&r)),
        };
        if !speaks_for {
            return Err(format!("{id}：下级节点 {} 不能代替节点 {} 报送信息", peer.node_id, origin.node));
        }
    }
    if let Some(via) = existing_via
        && via != peer.node_id
    {
        return Err(format!("{id}：该信息由节点 {via} 传来，只能由该节点更新"));
    }
    Ok(())
}

/// Merges a listing received from a peer into what this node has. `decides` is true on a province
/// node for a listing from one of its children: the child's word counts for the listing itself
/// and for a withdrawal (已取消调剂共享), the province's for 报送至中央 and 驳回.
pub fn merge_listing(existing: Option<&Listing>, incoming: Listing, decides: bool) -> Listing {
    let mut next = incoming;
    if let Some(old) = existing {
        next.sent_to = old.sent_to.clone();
        if next.national_published_at.is_none() {
            next.national_published_at = old.national_published_at.clone();
        }
    }
    if decides && next.national_state != NationalState::Cancelled {
        match existing {
            Some(old) if matches!(old.national_state, NationalState::PublishedNational | NationalState::Rejected) => {
                next.national_state = old.national_state;
                next.national_published_at = old.national_published_at.clone();
                if old.national_state == NationalState::Rejected {
                    next.reason = old.reason.clone();
                }
            }
            _ => {
                next.national_state = NationalState::PendingProvince;
                next.national_published_at = None;
            }
        }
        if let Some(old) = existing {
            next.scope = old.scope;
        }
    }
    next
}

/// The province's decision carried by a listing of this node coming back down: `Some(true)` for
/// 报送至中央, `Some(false)` for 驳回, `None` when it carries none.
pub fn decision(own: &Listing, incoming: &Listing) -> Option<bool> {
    if own.national_state != NationalState::PendingProvince {
        return None;
    }
    match incoming.national_state {
        NationalState::PublishedNational => Some(true),
        NationalState::Rejected => Some(false),
        _ => None,
    }
}

/// Merges a demand received from a peer (its unit's word is final).
pub fn merge_demand(existing: Option<&Demand>, incoming: Demand) -> Demand {
    let mut next = incoming;
    if let Some(old) = existing {
        next.sent_to = old.sent_to.clone();
        next.matches_seen_at = old.matches_seen_at.clone();
    }
    next
}

#[cfg(test)]
mod tests;
