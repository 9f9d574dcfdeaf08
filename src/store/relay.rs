//! Applies `domain::relay` inside the caller's transaction: after a listing or demand is written,
//! the events for the peers that must learn of it; when an imported event is applied, the
//! received listing, card or demand — or the province's decision about a listing of this node.

use crate::domain::DomainError;
use crate::domain::audit::Actor as AuditActor;
use crate::domain::card::AssetCard;
use crate::domain::demand::Demand;
use crate::domain::figures::{self, Figures, NodeFigures};
use crate::domain::interest::{self, Interest, InterestState};
use crate::domain::listing::{self, Listing, ListingAction, Origin};
use crate::domain::node::Node;
use crate::domain::peer::{Peer, PeerRole};
use crate::domain::region::RegionCode;
use crate::domain::relay::{self, SharedDemand, SharedInterest, SharedListing};
use crate::domain::report::NodeReport;
use crate::domain::user::Role;
use crate::federation::bundle::Event;

use super::tables::{FIGURES, META, REMOTE_CARDS};
use super::{Read, Result, Tx, cards, demands, exchange, node, peers, units};

/// A received listing's card.
pub fn remote_card(r: &impl Read, id: &str) -> Result<Option<AssetCard>> {
    r.get(REMOTE_CARDS, id)
}

/// Every received card.
pub fn remote_cards(r: &impl Read) -> Result<Vec<AssetCard>> {
    r.scan(REMOTE_CARDS)
}

/// The card of a listing: this node's own, or the received facts of a remote one.
pub fn card_of(r: &impl Read, listing: &Listing) -> Result<Option<AssetCard>> {
    if listing.origin.is_some() { remote_card(r, &listing.card_id) } else { cards::get(r, &listing.card_id) }
}

fn unit_name(r: &impl Read, unit_id: &str) -> Result<String> {
    Ok(units::get(r, unit_id)?.map(|u| u.name).unwrap_or_default())
}

/// The name of the unit an item belongs to: from its origin when received, else from this node.
fn unit_name_of(tx: &Tx, origin: Option<&Origin>, unit_id: &str) -> Result<String> {
    match origin {
        Some(o) => Ok(o.unit_name.clone()),
        None => unit_name(tx, unit_id),
    }
}

/// A listing's event as it travels from this node: the listing and its card's shareable facts.
fn listing_body(tx: &Tx, me: &Node, l: &Listing) -> Result<serde_json::Value> {
    let unit = unit_name_of(tx, l.origin.as_ref(), &l.unit_id)?;
    let Some(card) = card_of(tx, l)? else {
        return Err(DomainError::invalid("入仓资产的卡片不存在，无法发送给上下级节点").into());
    };
    let card = if l.origin.is_some() { card } else { relay::shared_card(&card, &me.node_id) };
    let listing = relay::outgoing_listing(l, &me.node_id, &me.name, &unit);
    Ok(serde_json::to_value(SharedListing { listing, card })
        .map_err(|e| DomainError::invalid(format!("无法编码入仓资产记录：{e}")))?)
}

/// A demand's event as it travels from this node.
fn demand_body(tx: &Tx, me: &Node, d: &Demand) -> Result<serde_json::Value> {
    let unit = unit_name_of(tx, d.origin.as_ref(), &d.unit_id)?;
    let demand = relay::outgoing_demand(d, &me.node_id, &me.name, &unit);
    Ok(serde_json::to_value(SharedDemand { demand })
        .map_err(|e| DomainError::invalid(format!("无法编码需求记录：{e}")))?)
}

fn context(tx: &Tx) -> Result<Option<(Node, Vec<Peer>)>> {
    let Some(me) = node::get(tx)? else { return Ok(None) };
    let peers = peers::active(tx)?;
    Ok(if peers.is_empty() { None } else { Some((me, peers)) })
}

/// Called before a listing is written: appends its snapshot to the channel of every peer that
/// must learn of the change ([`relay::recipients`]) and records them in `sent_to`. `from` is the
/// peer the change came from, if it came from one.
pub fn listing_changed(tx: &Tx, old: Option<&Listing>, next: &mut Listing, from: Option<&str>) -> Result<()> {
    let Some((me, peers)) = context(tx)? else { return Ok(()) };
    let via = next.origin.as_ref().map(|o| o.via.clone());
    let to = relay::recipients(
        &peers,
        |p| relay::listing_eligible(next, me.kind, p),
        &next.sent_to,
        via.as_deref().filter(|v| !v.is_empty()),
        from,
    );
    if to.is_empty() {
        return Ok(());
    }
    let body = listing_body(tx, &me, next)?;
    let unchanged = match old {
        Some(old) => listing_body(tx, &me, old)? == body,
        None => false,
    };
    for peer in to {
        if unchanged && next.sent_to.contains(&peer) {
            continue;
        }
        exchange::append(tx, &peer, relay::LISTING, body.clone(), &next.updated_at)?;
        if !next.sent_to.contains(&peer) && Some(peer.as_str()) != via.as_deref() {
            next.sent_to.push(peer);
        }
    }
    Ok(())
}

/// Called before a demand is written, like [`listing_changed`].
pub fn demand_changed(tx: &Tx, old: Option<&Demand>, next: &mut Demand, from: Option<&str>) -> Result<()> {
    let Some((me, peers)) = context(tx)? else { return Ok(()) };
    let via = next.origin.as_ref().map(|o| o.via.clone());
    let to = relay::recipients(
        &peers,
        |p| relay::demand_eligible(next, me.kind, p),
        &next.sent_to,
        via.as_deref().filter(|v| !v.is_empty()),
        from,
    );
    if to.is_empty() {
        return Ok(());
    }
    let body = demand_body(tx, &me, next)?;
    let unchanged = match old {
        Some(old) => demand_body(tx, &me, old)? == body,
        None => false,
    };
    for peer in to {
        if unchanged && next.sent_to.contains(&peer) {
            continue;
        }
        exchange::append(tx, &peer, relay::DEMAND, body.clone(), &next.updated_at)?;
        if !next.sent_to.contains(&peer) && Some(peer.as_str()) != via.as_deref() {
            next.sent_to.push(peer);
        }
    }
    Ok(())
}

/// Called before an interest is written: appends it to the channels toward the listing's node and
/// toward the interested unit's node (whichever of them is not this node), except the peer the
/// change came from.
pub fn interest_changed(tx: &Tx, next: &Interest, from: Option<&str>) -> Result<()> {
    let Some((me, peers)) = context(tx)? else { return Ok(()) };
    let Some(listing) = super::listings::get(tx, &next.listing_id)? else { return Ok(()) };
    let listing_via = listing.origin.as_ref().map(|o| o.via.as_str());
    let interest_via = next.origin.as_ref().map(|o| o.via.as_str());
    let to: Vec<String> = relay::interest_recipients(listing_via, interest_via, from)
        .into_iter()
        .filter(|p| peers.iter().any(|peer| &peer.node_id == p))
        .collect();
    if to.is_empty() {
        return Ok(());
    }
    let unit = unit_name_of(tx, next.origin.as_ref(), &next.unit_id)?;
    let interest = relay::outgoing_interest(next, &me.node_id, &me.name, &unit);
    let body = serde_json::to_value(SharedInterest { interest })
        .map_err(|e| DomainError::invalid(format!("无法编码调剂意向：{e}")))?;
    let at = next.decided_at.as_deref().unwrap_or(&next.created_at);
    for peer in to {
        exchange::append(tx, &peer, relay::INTEREST, body.clone(), at)?;
    }
    Ok(())
}

/// Applies one imported event from `peer` inside the import's transaction. Returns why the event
/// was not taken over when it was not (it still counts as received, so one bad item cannot block
/// the channel).
pub fn apply(tx: &Tx, peer: &Peer, event: &Event) -> Result<Option<String>> {
    let me = node::get(tx)?.ok_or_else(|| DomainError::invalid("本节点尚未初始化"))?;
    match event.kind.as_str() {
        relay::LISTING => match serde_json::from_value::<SharedListing>(event.body.clone()) {
            Ok(shared) => apply_listing(tx, &me, peer, shared, &event.at),
            Err(e) => Ok(Some(format!("第 {} 条事件无法识别为入仓资产：{e}", event.seq))),
        },
        relay::DEMAND => match serde_json::from_value::<SharedDemand>(event.body.clone()) {
            Ok(shared) => apply_demand(tx, &me, peer, shared.demand),
            Err(e) => Ok(Some(format!("第 {} 条事件无法识别为需求：{e}", event.seq))),
        },
        relay::INTEREST => match serde_json::from_value::<SharedInterest>(event.body.clone()) {
            Ok(shared) => apply_interest(tx, &me, peer, shared.interest),
            Err(e) => Ok(Some(format!("第 {} 条事件无法识别为调剂意向：{e}", event.seq))),
        },
        figures::FIGURES => match serde_json::from_value::<NodeFigures>(event.body.clone()) {
            Ok(reported) => apply_figures(tx, peer, reported),
            Err(e) => Ok(Some(format!("第 {} 条事件无法识别为统计数据：{e}", event.seq))),
        },
        other => Ok(Some(format!("第 {} 条事件的类型“{other}”本版本不支持，已跳过", event.seq))),
    }
}

fn apply_listing(tx: &Tx, me: &Node, peer: &Peer, shared: SharedListing, at: &str) -> Result<Option<String>> {
    let incoming = shared.listing;
    if let Some(own) = relay::own_id(&incoming.id, &me.node_id) {
        return apply_decision(tx, peer, own, &incoming, at);
    }
    let existing = super::listings::get(tx, &incoming.id)?;
    let existing_via = existing.as_ref().and_then(|l| l.origin.as_ref()).map(|o| o.via.as_str());
    let ids = [
        incoming.id.as_str(),
        incoming.unit_id.as_str(),
        incoming.card_id.as_str(),
        shared.card.id.as_str(),
        shared.card.unit_id.as_str(),
    ];
    if incoming.hold.as_ref().is_some_and(|h| !relay::hold_ids_valid(h)) {
        return Ok(Some(format!("{}：洽谈中的意向编号无效，已跳过", incoming.id)));
    }
    if let Err(why) =
        relay::check_received(me.kind, peer, &ids, &incoming.unit_region, incoming.origin.as_ref(), existing_via)
    {
        return Ok(Some(why));
    }
    if existing.as_ref().is_some_and(|l| l.origin.is_none())
        || shared.card.id != incoming.card_id
        || shared.card.unit_id != incoming.unit_id
    {
        return Ok(Some(format!("{}：与本节点的记录冲突，已跳过", incoming.id)));
    }
    let decides = me.kind == crate::domain::node::NodeKind::Province && peer.role == PeerRole::Child;
    let mut merged = relay::merge_listing(existing.as_ref(), incoming, decides);
    merged.hold = merged.hold.map(|h| relay::incoming_hold(h, &me.node_id));
    let first_arrival = existing.as_ref().and_then(|l| l.origin.as_ref()).map(|o| o.received_at.clone());
    if let Some(origin) = merged.origin.as_mut() {
        origin.via = peer.node_id.clone();
        // When it first arrived: a later change (a hold, a result) is not a new offer.
        origin.received_at =
            first_arrival.filter(|at| !at.is_empty()).unwrap_or_else(crate::domain::clock::now_rfc3339);
    }
    tx.put(REMOTE_CARDS, &shared.card.id, &shared.card)?;
    super::listings::put_from(tx, &merged, Some(&peer.node_id))?;
    Ok(None)
}

/// The province's 报送至中央 or 驳回 of a listing of this node, as the province decided it: the
/// same transition a province user makes, with the parent's region.
fn apply_decision(tx: &Tx, peer: &Peer, own: &str, incoming: &Listing, at: &str) -> Result<Option<String>> {
    if peer.role != PeerRole::Parent {
        return Ok(Some(format!("{}：只有上级节点可以反馈审核结果", incoming.id)));
    }
    let Some(current) = super::listings::get(tx, own)?.filter(|l| l.origin.is_none()) else {
        return Ok(Some(format!("{}：本节点没有该入仓资产", incoming.id)));
    };
    let Some(approve) = relay::decision(&current, incoming) else { return Ok(None) };
    let actor = listing::Actor { role: Role::Province, unit_id: None, region: peer.region.clone() };
    let action = ListingAction::SubmitCentral { approve, reason: incoming.reason.clone() };
    match listing::transition(&current, &actor, &action, at) {
        Ok(_) => {
            let (_, entry) = super::listings::act_from(
                tx,
                own,
                &actor,
                &format!("{}（{}）", peer.name, peer.node_id),
                |_| action,
                at,
                Some(&peer.node_id),
            )?;
            let by = AuditActor {
                user_id: None,
                username: format!("{}（{}）", peer.name, peer.node_id),
                role: Some(Role::Province),
                unit_id: None,
            };
            super::audit::append(tx, &by, entry, crate::domain::clock::now_rfc3339())?;
            Ok(None)
        }
        Err(refusal) => Ok(Some(format!("{}：上级节点的审核结果未采用（{refusal:?}）", incoming.id))),
    }
}

/// An interest arriving: this node's own unit's, with the offering unit's decision; one in a
/// listing of this node, from the interested unit (checked as a registration here is, and
/// declined back with the reason when it cannot be taken); or one this node relays between the
/// two. A node below speaks only for itself (or, to the national node, for its region).
fn apply_interest(tx: &Tx, me: &Node, peer: &Peer, incoming: Interest) -> Result<Option<String>> {
    use relay::InterestSide;
    let skipped = |why: &str| Ok(Some(format!("{}：{why}，已跳过", incoming.id)));
    let from_listing_side = |listing: &Listing| listing.origin.as_ref().is_some_and(|o| o.via == peer.node_id);
    // This node's own unit's interest, coming back with the decision.
    if let Some(own) = relay::own_id(&incoming.id, &me.node_id) {
        let Some(existing) = super::interests::get(tx, own)? else { return skipped("本节点没有该调剂意向") };
        let listing = super::listings::get(tx, &existing.listing_id)?;
        if !listing.as_ref().is_some_and(from_listing_side) {
            return skipped("只能由资产所在方向的节点反馈调剂意向的处理结果");
        }
        let incoming =
            Interest { id: existing.id.clone(), unit_id: existing.unit_id.clone(), origin: None, ..incoming };
        return put_merged(tx, Some(&existing), incoming, InterestSide::Offering, peer);
    }
    let Some(origin) = incoming.origin.clone() else { return skipped("缺少来源节点") };
    let Some(unit_region) = origin.node.split_once('-').and_then(|(r, _)| RegionCode::parse(r).ok()) else {
        return skipped("来源节点编号无效");
    };
    let existing = super::interests::get(tx, &incoming.id)?;
    let existing_via = existing.as_ref().and_then(|i| i.origin.as_ref()).map(|o| o.via.clone());
    let listing_id = relay::own_id(&incoming.listing_id, &me.node_id).unwrap_or(&incoming.listing_id).to_owned();
    let Some(listing) = super::listings::get(tx, &listing_id)? else {
        return skipped("本节点没有该入仓资产");
    };
    let side = if listing.origin.is_some() && from_listing_side(&listing) {
        InterestSide::Offering
    } else {
        // From the interested unit's direction: the sender must speak for that unit's node.
        let ids = [incoming.id.as_str(), incoming.unit_id.as_str()];
        let speaks = relay::check_received(me.kind, peer, &ids, &unit_region, Some(&origin), existing_via.as_deref());
        if let Err(why) = speaks {
            return Ok(Some(why));
        }
        InterestSide::Interested
    };
    if listing.origin.is_some() {
        // Relayed between the two nodes.
        let via = existing_via.unwrap_or_else(|| peer.node_id.clone());
        let received = Origin { via, received_at: crate::domain::clock::now_rfc3339(), ..origin };
        let incoming = Interest { origin: Some(received), ..incoming };
        return put_merged(tx, existing.as_ref(), incoming, side, peer);
    }
    // In a listing of this node, from the interested unit.
    if relay::own_id(&incoming.listing_unit_id, &me.node_id) != Some(listing.unit_id.as_str()) {
        return skipped("资产所属单位与本节点的记录不符");
    }
    let received = Origin { via: peer.node_id.clone(), received_at: crate::domain::clock::now_rfc3339(), ..origin };
    let mut incoming = Interest {
        listing_id: listing.id.clone(),
        listing_unit_id: listing.unit_id.clone(),
        origin: Some(received),
        ..incoming
    };
    if existing.is_none() {
        let available = card_of(tx, &listing)?.map(|c| c.quantity).unwrap_or(0);
        let queue = super::interests::of_listing(tx, &listing.id)?;
        let today = crate::domain::clock::today();
        if let Err(why) = interest::check_remote(&listing, &incoming, &unit_region, available, &queue, &today) {
            // Registered, and declined back at once with the reason, so the unit learns why.
            incoming.state = InterestState::Declined;
            incoming.reason = Some(why);
            incoming.decided_at = Some(crate::domain::clock::now_rfc3339());
            super::interests::put_from(tx, &incoming, None)?;
            return Ok(None);
        }
    }
    let withdrawn = incoming.state == InterestState::Withdrawn;
    let outcome = put_merged(tx, existing.as_ref(), incoming.clone(), InterestSide::Interested, peer)?;
    // A withdrawal releases the listing it held (洽谈中), and the release travels on.
    if withdrawn && listing.hold.as_ref().is_some_and(|h| h.interest_id == incoming.id) {
        let released = Listing { hold: None, updated_at: crate::domain::clock::now_rfc3339(), ..listing };
        super::listings::put(tx, &released)?;
    }
    Ok(outcome)
}

fn put_merged(
    tx: &Tx,
    existing: Option<&Interest>,
    incoming: Interest,
    side: relay::InterestSide,
    peer: &Peer,
) -> Result<Option<String>> {
    match relay::merge_interest(existing, incoming, side) {
        Ok(Some(merged)) => {
            super::interests::put_from(tx, &merged, Some(&peer.node_id))?;
            Ok(None)
        }
        Ok(None) => Ok(None),
        Err(why) => Ok(Some(why)),
    }
}

fn apply_demand(tx: &Tx, me: &Node, peer: &Peer, incoming: Demand) -> Result<Option<String>> {
    if relay::own_id(&incoming.id, &me.node_id).is_some() {
        return Ok(None);
    }
    let existing = demands::get(tx, &incoming.id)?;
    let existing_via = existing.as_ref().and_then(|d| d.origin.as_ref()).map(|o| o.via.as_str());
    let ids = [incoming.id.as_str(), incoming.unit_id.as_str()];
    if let Err(why) =
        relay::check_received(me.kind, peer, &ids, &incoming.unit_region, incoming.origin.as_ref(), existing_via)
    {
        return Ok(Some(why));
    }
    if existing.as_ref().is_some_and(|d| d.origin.is_none()) {
        return Ok(Some(format!("{}：与本节点的记录冲突，已跳过", incoming.id)));
    }
    let mut merged = relay::merge_demand(existing.as_ref(), incoming);
    if let Some(origin) = merged.origin.as_mut() {
        origin.via = peer.node_id.clone();
        origin.received_at = crate::domain::clock::now_rfc3339();
    }
    demands::put_from(tx, &merged, Some(&peer.node_id))?;
    Ok(None)
}

/// The photo hashes the listing events of a bundle for `recipient` refer to, sorted, each once;
/// not those of the recipient's own listings (a decision coming back down), which it has.
pub fn photos_of(events: &[Event], recipient: &str) -> Vec<String> {
    let mut hashes: Vec<String> = events
        .iter()
        .filter(|e| e.kind == relay::LISTING)
        .filter(|e| {
            e.body.get("listing").and_then(|l| l.get("origin")).and_then(|o| o.get("node")).and_then(|n| n.as_str())
                != Some(recipient)
        })
        .filter_map(|e| e.body.get("card")?.get("photos")?.as_array().cloned())
        .flatten()
        .filter_map(|p| p.get("hash")?.as_str().map(str::to_owned))
        .collect();
    hashes.sort();
    hashes.dedup();
    hashes
}

/// Appends this node's figures to the parent's channel when they changed since the last report
/// (called by the export, so every bundle upward carries current figures; the same state
/// exports the same bytes).
pub fn report_figures(tx: &Tx, me: &Node, parent: &Peer, now: &str) -> Result<()> {
    let data = super::report::ReportData::load(tx, |_| true)?;
    let own = data.figures();
    let today = now.get(..10).unwrap_or(now);
    let report = crate::domain::report::node_report(&data.inputs(today));
    let key = format!("figures_sent:{}", parent.node_id);
    let report_key = format!("report_sent:{}", parent.node_id);
    let last = tx.get::<Figures>(META, &key)?;
    let last_report = tx.get::<NodeReport>(META, &report_key)?;
    // A node with nothing of its own yet has nothing to report.
    let unchanged = last.as_ref() == Some(&own) && last_report.as_ref() == Some(&report);
    let nothing = own == Figures::default() && report.now.units == 0 && report.days.is_empty();
    if unchanged || (last.is_none() && nothing) {
        return Ok(());
    }
    // Only the days that changed since the last report to this parent (the first one: all).
    let sent = match &last_report {
        Some(old) => report.changes_since(old),
        None => report.clone(),
    };
    let figures = NodeFigures {
        node: me.node_id.clone(),
        node_name: me.name.clone(),
        kind: me.kind,
        region: me.region.clone(),
        as_of: now.to_owned(),
        figures: own.clone(),
        report: Some(sent),
    };
    let body = serde_json::to_value(&figures).map_err(|e| DomainError::invalid(format!("无法编码统计数据：{e}")))?;
    exchange::append(tx, &parent.node_id, figures::FIGURES, body, now)?;
    tx.put(META, &key, &own)?;
    tx.put(META, &report_key, &report)
}

/// The figures reported from below, by node id.
pub fn reported(r: &impl Read) -> Result<Vec<NodeFigures>> {
    r.scan(FIGURES)
}

fn apply_figures(tx: &Tx, peer: &Peer, reported: NodeFigures) -> Result<Option<String>> {
    let me = node::get(tx)?.ok_or_else(|| DomainError::invalid("本节点尚未初始化"))?;
    // A province's children are local nodes: each reports only itself.
    let speaks_for = me.kind != crate::domain::node::NodeKind::Province || reported.node == peer.node_id;
    if peer.role != PeerRole::Child || !peer.region.contains(&reported.region) || !speaks_for {
        return Ok(Some(format!("节点 {} 的统计数据只能由其所在地区的下级节点报送，已跳过", reported.node)));
    }
    if relay::node_of(&format!("x@{}", reported.node)).and_then(|n| n.split_once('-')).map(|(r, _)| r)
        != Some(reported.region.as_str())
    {
        return Ok(Some(format!("节点 {} 的统计数据与其区划不符，已跳过", reported.node)));
    }
    let old = tx.get::<NodeFigures>(FIGURES, &reported.node)?;
    if old.as_ref().is_some_and(|old| old.as_of > reported.as_of) {
        return Ok(None);
    }
    // A partial report of the days that changed completes the one kept here.
    let sent = reported.clone();
    let mut kept = reported;
    kept.report = match (old.and_then(|o| o.report), kept.report.take()) {
        (Some(full), Some(partial)) if partial.partial => Some(full.merged(&partial)),
        (_, Some(incoming)) => Some(NodeReport { partial: false, ..incoming }),
        (_, None) => None,
    };
    tx.put(FIGURES, &kept.node, &kept)?;
    // Upward it goes on: as reported, or whole the first time this parent hears of the node.
    if let Some(parent) = peers::active(tx)?.into_iter().find(|p| p.role == PeerRole::Parent) {
        let key = format!("figures_forwarded:{}:{}", parent.node_id, kept.node);
        let first = tx.get::<bool>(META, &key)?.is_none();
        let onward = if first { &kept } else { &sent };
        let body = serde_json::to_value(onward).map_err(|e| DomainError::invalid(format!("无法编码统计数据：{e}")))?;
        exchange::append(tx, &parent.node_id, figures::FIGURES, body, &kept.as_of)?;
        tx.put(META, &key, &true)?;
    }
    Ok(None)
}

/// A newly registered peer gets what it should already have: every listing and demand that is
/// eligible for it now (a city that registers its province after months of work sends its
/// pending platform listings with the first bundle).
pub fn catch_up(tx: &Tx, peer: &Peer) -> Result<()> {
    let Some(me) = node::get(tx)? else { return Ok(()) };
    let owes = |via: Option<&Origin>, sent_to: &[String], eligible: bool| {
        eligible && via.is_none_or(|o| o.via != peer.node_id) && !sent_to.contains(&peer.node_id)
    };
    for mut l in super::listings::all(tx)? {
        if owes(l.origin.as_ref(), &l.sent_to, relay::listing_eligible(&l, me.kind, peer)) {
            exchange::append(tx, &peer.node_id, relay::LISTING, listing_body(tx, &me, &l)?, &l.updated_at)?;
            l.sent_to.push(peer.node_id.clone());
            tx.put(super::tables::LISTINGS, &l.id, &l)?;
        }
    }
    for mut d in demands::all(tx)? {
        if owes(d.origin.as_ref(), &d.sent_to, relay::demand_eligible(&d, me.kind, peer)) {
            exchange::append(tx, &peer.node_id, relay::DEMAND, demand_body(tx, &me, &d)?, &d.updated_at)?;
            d.sent_to.push(peer.node_id.clone());
            tx.put(super::tables::DEMANDS, &d.id, &d)?;
        }
    }
    Ok(())
}
