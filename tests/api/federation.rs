//! Issue 5, what travels: a tree of five nodes in process — two local nodes in two cities of 辽宁
//! (沈阳 A, 大连 B), the 辽宁 province node P, the national node N, and a second province Q (吉林) —
//! exchanging nothing but bundle files.
//!
//! - The story: a listing of A, approved by its authority, goes up to P; P's 报送至中央 comes back
//!   to A, the listing reaches N's platform, Q and B; its photo travels with it; B's demand matches
//!   it; A's cancellation removes it everywhere. A 本省 listing never leaves 辽宁; a rejection
//!   reaches A with its reason; a child cannot publish its own listing nor speak for another city.
//! - The adversarial courier: over many seeded runs, business actions interleave with exports that
//!   are dropped, duplicated, reordered, delayed, truncated, bit-flipped, carried to the wrong node
//!   or replayed. No damaged or misdelivered file is ever accepted, no honest file is refused, and
//!   once everything is delivered nothing acknowledged is lost and every node shows exactly what
//!   the origins' states say it should.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use ed25519_dalek::SigningKey;
use gongwucang::domain::audit::{Actor as AuditActor, AuditEntry};
use gongwucang::domain::card::{CardFields, CardStatus};
use gongwucang::domain::demand::{self, CloseReason, Demand, DemandAction, DemandFields, DemandState};
use gongwucang::domain::listing::{
    self, Actor, Listing, ListingAction, ListingFields, ListingResult, Mode, NationalState, ResultMethod, Scope,
    Source, State, Viewer,
};
use gongwucang::domain::node::NodeKind;
use gongwucang::domain::peer::{NewPeer, PeerRole};
use gongwucang::domain::region::RegionCode;
use gongwucang::domain::user::Role;
use gongwucang::federation::keys;
use gongwucang::store::exchange::{self, ImportOutcome};
use gongwucang::store::{self, Store};

use crate::helpers::initialise;

const A: usize = 0;
const B: usize = 1;
const P: usize = 2;
const N: usize = 3;
const Q: usize = 4;
/// (kind, region, unit region, unit) of each node.
const NODES: [(NodeKind, &str, &str, &str); 5] = [
    (NodeKind::Local, "210100", "210102", "和平区教育局"),
    (NodeKind::Local, "210200", "210202", "中山区教育局"),
    (NodeKind::Province, "210000", "210000", "辽宁省财政厅"),
    (NodeKind::National, "100000", "100000", "财政部"),
    (NodeKind::Province, "220000", "220000", "吉林省财政厅"),
];
/// Parent → child.
const TREE: [(usize, usize); 4] = [(P, A), (P, B), (N, P), (N, Q)];
const CARDS: usize = 4;

struct Sim {
    dir: tempfile::TempDir,
    store: Store,
    key: SigningKey,
    id: String,
    unit: String,
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The five data folders, initialised, registered with each other, with cards at A and B (one with
/// a photo): made once, copied for every run.
fn template() -> &'static Vec<tempfile::TempDir> {
    static TEMPLATE: OnceLock<Vec<tempfile::TempDir>> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dirs: Vec<tempfile::TempDir> = NODES
            .iter()
            .map(|(kind, region, _, _)| {
                let dir = tempfile::tempdir().unwrap();
                initialise(dir.path(), *kind, region);
                dir
            })
            .collect();
        let stores: Vec<Store> = dirs.iter().map(|d| Store::open(d.path()).unwrap()).collect();
        for (parent, child) in TREE {
            register(&stores[parent], &stores[child], PeerRole::Child);
            register(&stores[child], &stores[parent], PeerRole::Parent);
        }
        for node in [A, B] {
            insert_cards(&stores[node], node);
        }
        dirs
    })
}

fn register(me: &Store, other: &Store, role: PeerRole) {
    let them = other.node().unwrap().unwrap();
    let new_peer = NewPeer { role, node_id: them.node_id, region: None, public_key: them.public_key, name: None };
    let reference = me.reference();
    me.write(&AuditActor::system(), |tx| store::peers::add(tx, &new_peer, &reference)).unwrap();
}

/// The cards of node `node`'s unit; the first has a photo.
fn insert_cards(store: &Store, node: usize) {
    let (photo, bytes) = gongwucang::media::demo_photo(gongwucang::media::Subject::Computer, 1, None);
    for c in 0..CARDS {
        let fields = CardFields {
            asset_code: format!("ZC{node}{c}"),
            name: if c.is_multiple_of(2) { "台式计算机" } else { "投影仪" }.to_owned(),
            category: if c.is_multiple_of(2) { "A02010105" } else { "A02021101" }.to_owned(),
            spec: "i5".to_owned(),
            brand: "联想".to_owned(),
            quantity: 1,
            measure_unit: "台".to_owned(),
            acquired_on: "2020-01-01".to_owned(),
            original_value_fen: 500_000,
            net_value_fen: 100_000,
            status: CardStatus::Idle,
            shared: false,
            location_id: None,
            using_department: "办公室".to_owned(),
            custodian: "张三".to_owned(),
            lease_end_on: None,
        };
        store
            .write(&AuditActor::system(), |tx| {
                let mut card = fields.into_card(format!("c{c}"), unit_id(node), "2026-01-01T00:00:00Z".into());
                if c == 0 {
                    store::cards::put_photo(tx, &photo.hash, &bytes)?;
                    card.photos.push(photo.clone());
                }
                store::cards::insert(tx, &card)?;
                Ok(((), AuditEntry::new("card_created", "card", "卡片", None)))
            })
            .unwrap();
    }
}

fn unit_id(node: usize) -> String {
    format!("u{node}")
}

fn network() -> Vec<Sim> {
    template()
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let dir = tempfile::tempdir().unwrap();
            copy_dir(t.path(), dir.path());
            let store = Store::open(dir.path()).unwrap();
            let key = keys::load(dir.path()).unwrap();
            let id = store.node().unwrap().unwrap().node_id;
            Sim { dir, store, key, id, unit: unit_id(i) }
        })
        .collect()
}

fn time(step: u64) -> String {
    format!("2026-11-27T{:02}:{:02}:{:02}Z", 8 + step / 3600, step / 60 % 60, step % 60)
}

impl Sim {
    fn export(&self, to: &Sim, step: u64) -> Vec<u8> {
        let _ = &self.dir;
        exchange::export(&self.store, &AuditActor::system(), &self.key, &to.id, &time(step)).unwrap()
    }

    fn import(&self, bytes: &[u8], step: u64) -> ImportOutcome {
        exchange::import(&self.store, &AuditActor::system(), bytes, &store::relay::apply, &time(step)).unwrap()
    }

    fn listings(&self) -> Vec<Listing> {
        self.store.read(store::listings::all).unwrap()
    }

    fn listing(&self, id: &str) -> Option<Listing> {
        self.store.read(|r| store::listings::get(r, id)).unwrap()
    }

    fn demands(&self) -> Vec<Demand> {
        self.store.read(store::demands::all).unwrap()
    }

    fn act(&self, id: &str, actor: &Actor, action: ListingAction, step: u64) -> bool {
        self.store
            .write(&AuditActor::system(), |tx| {
                let (_, entry) = store::listings::act(tx, id, actor, "test", |_| action, &time(step))?;
                Ok(((), entry))
            })
            .is_ok()
    }

    fn actor(&self, role: Role, node: usize) -> Actor {
        let (_, region, unit_region, _) = NODES[node];
        match role {
            Role::Clerk | Role::Reviewer => {
                Actor { role, unit_id: Some(self.unit.clone()), region: RegionCode::parse(unit_region).unwrap() }
            }
            _ => Actor { role, unit_id: None, region: RegionCode::parse(region).unwrap() },
        }
    }

    /// A clerk lists card `c`; the reviewer and the city's authority approve: 待省财政厅报送.
    fn list(&self, node: usize, c: usize, scope: Scope, step: u64) -> Option<String> {
        let (_, _, unit_region, department) = NODES[node];
        let fields = ListingFields {
            mode: if c.is_multiple_of(2) { Mode::Transfer } else { Mode::Share },
            national: true,
            scope,
            description: "九成新，可正常使用".to_owned(),
            condition: "良好".to_owned(),
            source: Source::Routine,
            contact_name: "王丽".to_owned(),
            contact_phone: "024-1".to_owned(),
            open_until: None,
        };
        let clerk = self.actor(Role::Clerk, node);
        let id = self
            .store
            .write(&AuditActor::system(), |tx| {
                let card = store::cards::get(tx, &format!("c{c}"))?.unwrap();
                let publishable = card.active_listing_id.is_none() && card.transferred_to.is_none();
                let l = listing::create(
                    tx.next_id("L")?,
                    card.id.clone(),
                    publishable,
                    &self.unit,
                    RegionCode::parse(unit_region).unwrap(),
                    department.to_owned(),
                    &clerk,
                    &fields,
                    &time(step),
                )
                .map_err(gongwucang::domain::DomainError::from)?;
                let entry = store::listings::create(tx, &l, "clerk")?;
                Ok((l.id, entry))
            })
            .ok()?;
        let approve = Some("同意".to_owned());
        assert!(self.act(&id, &clerk, ListingAction::Submit, step));
        assert!(self.act(
            &id,
            &self.actor(Role::Reviewer, node),
            ListingAction::ReviewEntry { approve: true, reason: approve.clone() },
            step
        ));
        assert!(self.act(
            &id,
            &self.actor(Role::Authority, node),
            ListingAction::AuthorityReview { approve: true, scope: None, reason: approve },
            step
        ));
        Some(id)
    }

    /// 退仓申请, 退仓审批, 取消调剂共享 (as far as each is allowed).
    fn withdraw(&self, node: usize, id: &str, step: u64) {
        let clerk = self.actor(Role::Clerk, node);
        self.act(id, &clerk, ListingAction::RequestExit { reason: "本单位自用".into() }, step);
        self.act(
            id,
            &self.actor(Role::Reviewer, node),
            ListingAction::ReviewExit { approve: true, reason: None },
            step,
        );
        self.act(id, &clerk, ListingAction::Cancel, step);
    }

    /// 退仓申请, refused by the reviewer: the listing changes and stays where it was.
    fn exit_refused(&self, node: usize, id: &str, step: u64) {
        self.act(id, &self.actor(Role::Clerk, node), ListingAction::RequestExit { reason: "拟自用".into() }, step);
        let refuse = ListingAction::ReviewExit { approve: false, reason: Some("仍闲置".into()) };
        self.act(id, &self.actor(Role::Reviewer, node), refuse, step);
    }

    fn complete(&self, node: usize, id: &str, step: u64) -> bool {
        let result = ListingResult {
            method: ResultMethod::Other,
            receiver_name: "大连市第一中学".into(),
            receiver_unit_id: None,
            receiver_region: None,
            receiver_budget_code: None,
            date: "2026-11-27".into(),
            quantity: 1,
            note: String::new(),
            until: None,
        };
        self.act(id, &self.actor(Role::Clerk, node), ListingAction::RecordResult(result), step)
    }

    fn decide(&self, id: &str, approve: bool, step: u64) -> bool {
        let reason = (!approve).then(|| "资产描述不完整".to_owned());
        self.act(id, &self.actor(Role::Province, P), ListingAction::SubmitCentral { approve, reason }, step)
    }

    fn demand_action(&self, d: &Demand, role: Role, action: DemandAction, step: u64) -> Option<Demand> {
        self.store
            .write(&AuditActor::system(), |tx| {
                let next = demand::apply(d, role, Some(&self.unit), &action, &time(step))
                    .map_err(gongwucang::domain::DomainError::from)?;
                store::demands::put(tx, &next)?;
                Ok((next, AuditEntry::new("demand_changed", "demand", "需求", None)))
            })
            .ok()
    }

    /// A clerk drafts a demand, the reviewer publishes it with `scope`.
    fn publish_demand(&self, node: usize, name: &str, scope: Scope, step: u64) -> Demand {
        let (_, _, unit_region, department) = NODES[node];
        let draft = Demand {
            id: format!("D{step}"),
            unit_id: self.unit.clone(),
            unit_region: RegionCode::parse(unit_region).unwrap(),
            unit_department: department.to_owned(),
            fields: DemandFields {
                category: "A02010105".into(),
                name: name.into(),
                quantity: 1,
                indicators: Vec::new(),
                budget_per_unit_fen: 400_000,
                expected_on: "2026-12-31".into(),
                contact_name: "李明".into(),
                contact_phone: "0411-1".into(),
                scope: Scope::City,
            },
            state: DemandState::Draft,
            close_reason: None,
            reason: None,
            created_at: time(step),
            published_at: None,
            updated_at: time(step),
            matches_seen_at: None,
            origin: None,
            sent_to: Vec::new(),
        };
        let submitted = self.demand_action(&draft, Role::Clerk, DemandAction::Submit, step).unwrap();
        self.demand_action(&submitted, Role::Reviewer, DemandAction::Publish { scope: Some(scope) }, step).unwrap()
    }
}

/// Carries one file from `from` to `to` and returns what the import said.
fn carry(net: &[Sim], from: usize, to: usize, step: u64) -> ImportOutcome {
    let bytes = net[from].export(&net[to], step);
    net[to].import(&bytes, step)
}

/// Exports and imports along every edge until nothing is left to carry.
fn settle(net: &[Sim], step: u64) {
    for _ in 0..8 {
        for (parent, child) in TREE {
            let up = carry(net, child, parent, step);
            assert_ne!(up.result, "refused", "{}", up.message);
            let down = carry(net, parent, child, step);
            assert_ne!(down.result, "refused", "{}", down.message);
        }
    }
}

fn wire(net: &[Sim], node: usize, id: &str) -> String {
    format!("{id}@{}", net[node].id)
}

fn on_platform(l: &Listing) -> bool {
    l.offered_here() && l.national_state == NationalState::PublishedNational
}

fn viewer(node: usize) -> Viewer {
    let (_, _, unit_region, department) = NODES[node];
    Viewer {
        role: Role::Clerk,
        unit_id: Some(unit_id(node)),
        region: RegionCode::parse(unit_region).unwrap(),
        department: Some(department.to_owned()),
    }
}

#[test]
fn a_listing_and_a_demand_travel_up_and_back_down_by_files() {
    let net = network();
    let national = net[A].list(A, 0, Scope::National, 1).unwrap();
    let provincial = net[A].list(A, 2, Scope::Province, 2).unwrap();
    let rejected = net[A].list(A, 1, Scope::National, 3).unwrap();
    let (national_w, provincial_w, rejected_w) =
        (wire(&net, A, &national), wire(&net, A, &provincial), wire(&net, A, &rejected));

    // Up to the province: 待省财政厅报送 there, nothing yet below or above it.
    let up = carry(&net, A, P, 10);
    assert_eq!((up.result, up.events), ("applied", 4), "three listings and the node's figures: {}", up.message);
    let reported = net[P].store.read(store::relay::reported).unwrap();
    assert_eq!(reported.len(), 1);
    let f = &reported[0].figures;
    assert_eq!((f.cards.count, f.cards.value_fen, f.in_warehouse.count), (4, 2_000_000, 3), "{f:?}");
    let at_p = net[P].listing(&national_w).expect("the province received the listing");
    assert_eq!(at_p.national_state, NationalState::PendingProvince);
    let origin = at_p.origin.as_ref().unwrap();
    assert_eq!((origin.node.as_str(), origin.via.as_str()), (net[A].id.as_str(), net[A].id.as_str()));
    let card = net[P].store.read(|r| store::relay::card_of(r, &at_p)).unwrap().unwrap();
    assert_eq!((card.name.as_str(), card.custodian.as_str(), card.location_id), ("台式计算机", "", None));
    assert!(carry(&net, P, B, 11).events == 0, "a city never receives another city's unpublished data");

    // The province decides: 报送至中央 twice, 驳回 once with a reason.
    assert!(net[P].decide(&national_w, true, 20));
    assert!(net[P].decide(&provincial_w, true, 21));
    assert!(net[P].decide(&rejected_w, false, 22));
    let down = carry(&net, P, A, 23);
    assert_eq!(down.result, "applied", "{}", down.message);
    let mine = net[A].listing(&national).unwrap();
    assert_eq!(mine.national_state, NationalState::PublishedNational);
    let mine = net[A].listing(&rejected).unwrap();
    assert_eq!((mine.national_state, mine.reason.as_deref()), (NationalState::Rejected, Some("资产描述不完整")));

    // Across the country: the 全国 listing reaches N, Q and B; the 本省 one only B.
    settle(&net, 30);
    for node in [N, Q, B] {
        let seen: BTreeSet<String> =
            net[node].listings().into_iter().filter(on_platform).map(|l| l.id.clone()).collect();
        let expected: BTreeSet<String> =
            if node == B { [national_w.clone(), provincial_w.clone()].into() } else { [national_w.clone()].into() };
        assert_eq!(seen, expected, "node {node}");
    }
    assert!(net[B].listing(&rejected_w).is_none(), "a rejected listing never leaves the province");
    // Its photo travelled with it.
    let at_q = net[Q].listing(&national_w).unwrap();
    let card = net[Q].store.read(|r| store::relay::card_of(r, &at_q)).unwrap().unwrap();
    let hash = card.photos[0].hash.clone();
    assert!(net[Q].store.read(|r| store::cards::photo(r, &hash)).unwrap().is_some(), "the photo travelled");

    // B's demand matches A's listing at B; published 本省, it reaches A and P but not N.
    let need = net[B].publish_demand(B, "台式计算机", Scope::Province, 40);
    let listings = net[B].listings();
    let cards = net[B].store.read(store::relay::remote_cards).unwrap();
    let found = demand::fitting_listings(&need, &viewer(B), &listings, |id| cards.iter().find(|c| c.id == id));
    let found: BTreeSet<&str> = found.iter().map(|(l, _, _)| l.id.as_str()).collect();
    assert_eq!(found, [national_w.as_str(), provincial_w.as_str()].into(), "B's demand matches A's listings");
    settle(&net, 41);
    let need_w = wire(&net, B, &need.id);
    for (node, has) in [(A, true), (P, true), (N, false), (Q, false)] {
        assert_eq!(net[node].demands().iter().any(|d| d.id == need_w), has, "node {node}");
    }

    // A cancels: gone from every plaza.
    net[A].withdraw(A, &national, 50);
    assert_eq!(net[A].listing(&national).unwrap().national_state, NationalState::Cancelled);
    settle(&net, 51);
    for node in [P, N, Q, B] {
        let l = net[node].listing(&national_w).unwrap();
        assert_eq!((l.state, l.national_state), (State::Withdrawn, NationalState::Cancelled), "node {node}");
        assert!(!on_platform(&l));
    }
    // The national node has both cities' figures, forwarded by the province; exact sums.
    let reported = net[N].store.read(store::relay::reported).unwrap();
    let nodes: BTreeSet<&str> = reported.iter().map(|r| r.node.as_str()).collect();
    assert_eq!(nodes, [net[A].id.as_str(), net[B].id.as_str()].into());
    let total =
        reported.iter().fold(Default::default(), |sum: gongwucang::domain::figures::Figures, r| sum.plus(&r.figures));
    assert_eq!((total.cards.count, total.cards.value_fen), (8, 4_000_000));
    // Closing the demand reaches the nodes that had it.
    let closed =
        net[B].demand_action(&need, Role::Clerk, DemandAction::Close { reason: CloseReason::MetByListing }, 60);
    assert!(closed.is_some());
    settle(&net, 61);
    assert_eq!(net[A].demands().iter().find(|d| d.id == need_w).unwrap().state, DemandState::Closed);
}

#[test]
fn a_child_cannot_publish_its_own_listing_or_speak_for_another_city() {
    let net = network();
    let id = net[A].list(A, 0, Scope::National, 1).unwrap();
    // The city's node writes 已报送至中央 itself, as a forger would, and sends it up.
    net[A]
        .store
        .write(&AuditActor::system(), |tx| {
            let mut l = store::listings::get(tx, &id)?.unwrap();
            l.national_state = NationalState::PublishedNational;
            store::listings::put(tx, &l)?;
            Ok(((), AuditEntry::new("t", "t", "t", None)))
        })
        .unwrap();
    settle(&net, 2);
    let at_p = net[P].listing(&wire(&net, A, &id)).unwrap();
    assert_eq!(at_p.national_state, NationalState::PendingProvince, "only the province publishes");
    assert!(net[N].listings().is_empty() && net[B].listings().is_empty());

    // A listing of a 大连 unit sent by the 沈阳 node is not taken over.
    net[A]
        .store
        .write(&AuditActor::system(), |tx| {
            let mut l = store::listings::get(tx, &id)?.unwrap();
            l.unit_region = RegionCode::parse("210202").unwrap();
            l.description = "冒充大连".into();
            store::listings::put(tx, &l)?;
            Ok(((), AuditEntry::new("t", "t", "t", None)))
        })
        .unwrap();
    let outcome = carry(&net, A, P, 3);
    assert_eq!(outcome.result, "applied");
    assert!(outcome.message.contains("未采用"), "{}", outcome.message);
    assert_ne!(net[P].listing(&wire(&net, A, &id)).unwrap().description, "冒充大连");
}

/// Appends a hand-made event to `from`'s channel for `to`, as a forging node would.
fn forge(net: &[Sim], from: usize, to: usize, kind: &str, body: serde_json::Value) {
    net[from]
        .store
        .write(&AuditActor::system(), |tx| {
            exchange::append(tx, &net[to].id, kind, body, &time(1))?;
            Ok(((), AuditEntry::new("t", "t", "t", None)))
        })
        .unwrap();
}

#[test]
fn a_child_cannot_squat_ids_or_cards_of_another_city_nor_a_parent_decide_for_the_province() {
    let net = network();
    let b_listing = net[B].list(B, 0, Scope::National, 1).unwrap();
    let a_listing = net[A].list(A, 0, Scope::National, 2).unwrap();
    carry(&net, B, P, 3);
    carry(&net, A, P, 3);
    let b_wire = wire(&net, B, &b_listing);
    let b_copy = net[P].listing(&b_wire).unwrap();
    let b_card = net[P].store.read(|r| store::relay::card_of(r, &b_copy)).unwrap().unwrap();
    let a_copy = net[P].listing(&wire(&net, A, &a_listing)).unwrap();
    let a_card = net[P].store.read(|r| store::relay::card_of(r, &a_copy)).unwrap().unwrap();

    // 沈阳 sends a listing of its own that points at 大连's card, with other facts.
    let mut forged_card = a_card.clone();
    forged_card.id = b_card.id.clone();
    forged_card.name = "伪造的卡片".into();
    let mut pointing = a_copy.clone();
    pointing.id = wire(&net, A, "L99");
    pointing.card_id = b_card.id.clone();
    forge(&net, A, P, "listing", serde_json::json!({"listing": pointing, "card": forged_card}));
    // And one under 大连's name, to squat the id 大连 will use next.
    let mut squat = a_copy.clone();
    squat.id = wire(&net, B, "L7");
    squat.unit_id = wire(&net, B, "u1");
    squat.card_id = wire(&net, B, "c1");
    squat.origin.as_mut().unwrap().node = net[B].id.clone();
    let mut squat_card = a_card.clone();
    (squat_card.id, squat_card.unit_id) = (squat.card_id.clone(), squat.unit_id.clone());
    forge(&net, A, P, "listing", serde_json::json!({"listing": squat, "card": squat_card}));
    // And figures for a node that does not exist.
    let fake = gongwucang::domain::figures::NodeFigures {
        node: "210100-deadbeef".into(),
        node_name: "虚构节点".into(),
        kind: NodeKind::Local,
        region: RegionCode::parse("210100").unwrap(),
        as_of: time(9),
        figures: Default::default(),
        report: None,
    };
    forge(&net, A, P, "figures", serde_json::to_value(&fake).unwrap());
    let outcome = carry(&net, A, P, 4);
    assert_eq!(outcome.result, "applied");
    assert!(outcome.message.contains("其中 3 条未采用"), "{}", outcome.message);
    let card_now = net[P].store.read(|r| store::relay::card_of(r, &b_copy)).unwrap().unwrap();
    assert_eq!(card_now, b_card, "大连's card is untouched");
    assert!(net[P].listing(&wire(&net, B, "L7")).is_none());
    assert!(net[P].store.read(store::relay::reported).unwrap().iter().all(|f| f.node != "210100-deadbeef"));

    // The national node sends down a 报送至中央 for 沈阳's listing, wrapped as if it were the province's own.
    let mut nested = a_copy.clone();
    nested.id = format!("{}@{}", a_copy.id, net[P].id);
    nested.national_state = NationalState::PublishedNational;
    forge(&net, N, P, "listing", serde_json::json!({"listing": nested, "card": a_card}));
    let outcome = carry(&net, N, P, 5);
    assert!(outcome.message.contains("未采用"), "{}", outcome.message);
    assert_eq!(
        net[P].listing(&a_copy.id).unwrap().national_state,
        NationalState::PendingProvince,
        "only 省财政厅 decides"
    );
}

fn fresh(node: usize) -> Sim {
    let (kind, region, _, _) = NODES[node];
    let dir = tempfile::tempdir().unwrap();
    initialise(dir.path(), kind, region);
    let store = Store::open(dir.path()).unwrap();
    let key = keys::load(dir.path()).unwrap();
    let id = store.node().unwrap().unwrap().node_id;
    Sim { dir, store, key, id, unit: unit_id(node) }
}

#[test]
fn a_parent_registered_later_receives_what_it_should_already_have() {
    let city = fresh(A);
    insert_cards(&city.store, A);
    let pending = city.list(A, 0, Scope::National, 1).unwrap();
    let mut local_only = city.list(A, 1, Scope::National, 2).unwrap();
    city.withdraw(A, &local_only, 3);
    local_only = wire(std::slice::from_ref(&city), 0, &local_only);
    let need = city.publish_demand(A, "台式计算机", Scope::Province, 4);
    // Months later the city registers its province.
    let province = fresh(P);
    register(&city.store, &province.store, PeerRole::Parent);
    register(&province.store, &city.store, PeerRole::Child);
    let outcome = province.import(&city.export(&province, 5), 5);
    assert_eq!(outcome.result, "applied", "{}", outcome.message);
    let net = [city, province];
    let at_p = net[1].listing(&wire(&net, 0, &pending)).expect("the pending listing travelled");
    assert_eq!(at_p.national_state, NationalState::PendingProvince);
    assert!(net[1].listing(&local_only).is_none(), "a withdrawn listing has nothing to tell the province");
    assert!(net[1].demands().iter().any(|d| d.id == wire(&net, 0, &need.id)));
}

/// A small deterministic generator (xorshift), so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// All directed edges of the tree.
fn edges() -> Vec<(usize, usize)> {
    TREE.iter().flat_map(|&(p, c)| [(p, c), (c, p)]).collect()
}

/// Every node's cursors and how many listings and demands it has: a refused file changes none.
fn fingerprint(net: &[Sim]) -> Vec<(u64, usize, usize)> {
    let mut out = Vec::new();
    for (from, to) in edges() {
        let c = net[to].store.read(|r| exchange::channel(r, &net[from].id)).unwrap();
        out.push((c.in_applied, net[to].listings().len(), net[to].demands().len()));
    }
    out
}

fn damaged(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut bad = bytes.to_vec();
    match rng.below(3) {
        0 => {
            let at = rng.below(bad.len());
            bad[at] ^= 1 << rng.below(8);
        }
        1 => bad.truncate(rng.below(bad.len())),
        _ => bad.push(rng.below(256) as u8),
    }
    bad
}

fn run(seed: u64) {
    let net = network();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut listed: Vec<(usize, String)> = Vec::new();
    let mut demands: Vec<(usize, Demand)> = Vec::new();
    let mut free: Vec<(usize, usize)> = (0..CARDS).flat_map(|c| [(A, c), (B, c)]).collect();
    // Files in the courier's bag: (from, to, bytes); and every file ever made, for replays.
    let mut bag: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    let mut archive: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    let edges = edges();
    for step in 1..=120u64 {
        match rng.below(13) {
            0 if !free.is_empty() => {
                let (node, c) = free.swap_remove(rng.below(free.len()));
                let scope = if rng.chance(50) { Scope::National } else { Scope::Province };
                if let Some(id) = net[node].list(node, c, scope, step) {
                    listed.push((node, id));
                }
            }
            1 => {
                let pending: Vec<String> = net[P]
                    .listings()
                    .into_iter()
                    .filter(|l| l.origin.is_some() && l.national_state == NationalState::PendingProvince)
                    .map(|l| l.id)
                    .collect();
                if !pending.is_empty() {
                    net[P].decide(&pending[rng.below(pending.len())], rng.chance(80), step);
                }
            }
            2 if !listed.is_empty() => {
                let (node, id) = listed[rng.below(listed.len())].clone();
                net[node].withdraw(node, &id, step);
            }
            3 if !listed.is_empty() => {
                let (node, id) = listed[rng.below(listed.len())].clone();
                net[node].complete(node, &id, step);
            }
            4 => {
                let node = if rng.chance(50) { A } else { B };
                let scope = if rng.chance(50) { Scope::National } else { Scope::Province };
                demands.push((node, net[node].publish_demand(node, "台式计算机", scope, step)));
            }
            5 if !demands.is_empty() => {
                let (node, d) = demands[rng.below(demands.len())].clone();
                let current = net[node].demands().into_iter().find(|x| x.id == d.id).unwrap();
                net[node].demand_action(
                    &current,
                    Role::Clerk,
                    DemandAction::Close { reason: CloseReason::Purchased },
                    step,
                );
            }
            6 | 7 => {
                let (from, to) = edges[rng.below(edges.len())];
                let bytes = net[from].export(&net[to], step);
                archive.push((from, to, bytes.clone()));
                bag.push((from, to, bytes));
            }
            8 | 9 if !bag.is_empty() => {
                // Deliver in any order; sometimes keep a copy to deliver again.
                let i = rng.below(bag.len());
                let (from, to, bytes) = if rng.chance(30) { bag[i].clone() } else { bag.swap_remove(i) };
                let outcome = net[to].import(&bytes, step);
                assert_ne!(outcome.result, "refused", "seed {seed} step {step}: {from}→{to}: {}", outcome.message);
            }
            10 if !bag.is_empty() => {
                // Lost on the way.
                bag.swap_remove(rng.below(bag.len()));
            }
            11 if !archive.is_empty() => {
                let (from, to, bytes) = archive[rng.below(archive.len())].clone();
                let before = fingerprint(&net);
                let (target, bad) = if rng.chance(25) {
                    // An honest file carried to the wrong node.
                    let wrong = (0..net.len()).filter(|&n| n != to && n != from).nth(rng.below(3)).unwrap();
                    (wrong, bytes.clone())
                } else {
                    (to, damaged(&mut rng, &bytes))
                };
                let outcome = net[target].import(&bad, step);
                assert_eq!(outcome.result, "refused", "seed {seed} step {step}: {from}→{to}→{target}");
                assert_eq!(fingerprint(&net), before, "seed {seed} step {step}: a refused file changed nothing");
                if target == to {
                    // And the honest original, replayed later, is still harmless.
                    let replay = net[to].import(&bytes, step);
                    assert_ne!(replay.result, "refused", "seed {seed}: {}", replay.message);
                }
            }
            12 if !listed.is_empty() => {
                let (node, id) = listed[rng.below(listed.len())].clone();
                net[node].exit_refused(node, &id, step);
            }
            _ => {}
        }
    }
    settle(&net, 10_000);
    // Nothing acknowledged is lost: every event of every channel was applied at the other end.
    for (from, to) in edges {
        let sent = net[from].store.read(|r| exchange::channel(r, &net[to].id)).unwrap();
        let got = net[to].store.read(|r| exchange::channel(r, &net[from].id)).unwrap();
        assert_eq!((got.in_applied, sent.out_acked), (sent.out_last, sent.out_last), "seed {seed}: {from}→{to}");
    }
    converged(&net, seed);
}

/// Every node shows exactly the platform listings and published demands the origins' states say
/// it should, and every copy agrees with its origin.
fn converged(net: &[Sim], seed: u64) {
    let mut truth: Vec<(usize, Listing)> = Vec::new();
    for node in [A, B] {
        for l in net[node].listings().into_iter().filter(|l| l.origin.is_none()) {
            truth.push((node, l));
        }
    }
    for (origin, l) in &truth {
        let id = wire(net, *origin, &l.id);
        for node in 0..net.len() {
            if node == *origin {
                continue;
            }
            let copy = net[node].listing(&id);
            if let Some(copy) = &copy {
                assert_eq!(
                    (copy.state, copy.national_state, copy.scope),
                    (l.state, l.national_state, l.scope),
                    "seed {seed}: copy of {id} at node {node}"
                );
            }
            let shown = copy.as_ref().is_some_and(on_platform);
            let province = NODES[node].1.starts_with("21");
            let should = l.in_warehouse_plaza()
                && l.national_state == NationalState::PublishedNational
                && (node == P || l.scope == Scope::National || province);
            assert_eq!(shown, should, "seed {seed}: {id} on node {node}'s platform ({:?})", l);
            if matches!(l.national_state, NationalState::PendingProvince | NationalState::PublishedNational)
                || l.national_published_at.is_some()
            {
                assert!(net[P].listing(&id).is_some(), "seed {seed}: the province has {id}");
            }
        }
    }
    // The province and the national node hold each city's current figures.
    for node in [A, B] {
        let own = net[node]
            .store
            .read(|r| {
                Ok(gongwucang::domain::figures::compute(
                    &store::cards::all(r)?,
                    &store::listings::all(r)?,
                    &store::demands::all(r)?,
                ))
            })
            .unwrap();
        for at in [P, N] {
            let reported = net[at].store.read(store::relay::reported).unwrap();
            let got = reported.iter().find(|f| f.node == net[node].id).map(|f| &f.figures);
            assert_eq!(got, Some(&own), "seed {seed}: figures of node {node} at node {at}");
        }
    }
    for node in [A, B] {
        for d in net[node].demands().into_iter().filter(|d| d.origin.is_none()) {
            let id = wire(net, node, &d.id);
            for other in 0..net.len() {
                if other == node {
                    continue;
                }
                let copy = net[other].demands().into_iter().find(|x| x.id == id);
                let shown = copy.as_ref().is_some_and(|c| c.state == DemandState::Published);
                let province = NODES[other].1.starts_with("21");
                let should = d.state == DemandState::Published && (d.fields.scope == Scope::National || province);
                assert_eq!(shown, should, "seed {seed}: demand {id} at node {other}");
            }
        }
    }
}

#[test]
fn an_adversarial_courier_never_gets_a_damaged_file_accepted_and_everything_converges() {
    let seeds: u64 = std::env::var("GWC_COURIER_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(12);
    for seed in 1..=seeds {
        run(seed);
    }
}
