use super::*;
use crate::domain::listing::{Mode, Source, State};

fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

fn peer(id: &str, role: PeerRole, code: &str) -> Peer {
    Peer {
        node_id: id.into(),
        role,
        region: region(code),
        public_key: String::new(),
        name: id.into(),
        added_at: String::new(),
        revoked_at: None,
        revoked_reason: None,
    }
}

fn listing(scope: Scope, national_state: NationalState) -> Listing {
    Listing {
        id: "L1".into(),
        card_id: "c1".into(),
        unit_id: "u1".into(),
        unit_region: region("210102"),
        unit_department: "和平区教育局".into(),
        mode: Mode::Transfer,
        national: true,
        scope,
        description: String::new(),
        condition: String::new(),
        source: Source::Routine,
        contact_name: "王丽".into(),
        contact_phone: "024-1".into(),
        state: State::Published,
        national_state,
        reason: None,
        result: None,
        created_at: String::new(),
        published_at: None,
        updated_at: String::new(),
        national_published_at: None,
        origin: None,
        sent_to: Vec::new(),
        hold: None,
        open_until: None,
        offered_since: None,
        scope_change: None,
    }
}

#[test]
fn a_local_node_sends_up_only_what_the_authority_approved() {
    let parent = peer("210000-p", PeerRole::Parent, "210000");
    for (state, goes) in [
        (NationalState::None, false),
        (NationalState::PendingAuthority, false),
        (NationalState::PendingProvince, true),
        (NationalState::PublishedNational, true),
        (NationalState::Rejected, false),
        (NationalState::Cancelled, false),
    ] {
        assert_eq!(listing_eligible(&listing(Scope::National, state), NodeKind::Local, &parent), goes, "{state:?}");
    }
    let mut local = listing(Scope::National, NationalState::PendingProvince);
    local.national = false;
    assert!(!listing_eligible(&local, NodeKind::Local, &parent));
}

#[test]
fn a_province_sends_up_only_published_national_scope_and_down_within_scope() {
    let national = peer("100000-n", PeerRole::Parent, "100000");
    let shenyang = peer("210100-a", PeerRole::Child, "210100");
    let published_province = listing(Scope::Province, NationalState::PublishedNational);
    let published_national = listing(Scope::National, NationalState::PublishedNational);
    let pending = listing(Scope::National, NationalState::PendingProvince);
    assert!(!listing_eligible(&published_province, NodeKind::Province, &national));
    assert!(listing_eligible(&published_national, NodeKind::Province, &national));
    assert!(!listing_eligible(&pending, NodeKind::Province, &national));
    assert!(listing_eligible(&published_province, NodeKind::Province, &shenyang));
    assert!(!listing_eligible(&pending, NodeKind::Province, &shenyang), "a child never gets unpublished data");
    // A national node sends a 本省 listing of 辽宁 to no other province.
    let jilin = peer("220000-j", PeerRole::Child, "220000");
    assert!(!listing_eligible(&published_province, NodeKind::National, &jilin));
    assert!(listing_eligible(&published_national, NodeKind::National, &jilin));
    let mut withdrawn = published_national.clone();
    withdrawn.state = State::Withdrawn;
    assert!(!listing_eligible(&withdrawn, NodeKind::National, &jilin));
}

#[test]
fn recipients_include_earlier_recipients_and_never_the_sender_of_the_change() {
    let peers = [
        peer("100000-n", PeerRole::Parent, "100000"),
        peer("210100-a", PeerRole::Child, "210100"),
        peer("210200-b", PeerRole::Child, "210200"),
    ];
    let got = recipients(&peers, |_| false, &["210200-b".into()], Some("210100-a"), None);
    assert_eq!(got, ["210100-a", "210200-b"]);
    let got = recipients(&peers, |_| true, &[], Some("210100-a"), Some("210100-a"));
    assert_eq!(got, ["100000-n", "210200-b"]);
}

#[test]
fn a_child_speaks_only_for_its_region_and_only_the_first_path_updates() {
    let child = peer("210100-a", PeerRole::Child, "210100");
    let origin = Origin {
        node: "210100-a".into(),
        node_name: String::new(),
        unit_name: String::new(),
        via: String::new(),
        received_at: String::new(),
    };
    let ok = |ids: &[&str], unit: &str, origin: Option<&Origin>, via: Option<&str>| {
        check_received(NodeKind::Province, &child, ids, &region(unit), origin, via).is_ok()
    };
    assert!(ok(&["L1@210100-a", "u1@210100-a", "c1@210100-a"], "210102", Some(&origin), None));
    assert!(!ok(&["L1@210100-a"], "210202", Some(&origin), None), "a unit of another city");
    assert!(!ok(&["L1@210100-a", "u1@210100-a", "c3@210200-b"], "210102", Some(&origin), None), "another city's card");
    assert!(!ok(&["L1@210100-a", "u1"], "210102", Some(&origin), None), "a unit id of the receiving node");
    assert!(!ok(&["L1@210100-a@210000-p"], "210102", Some(&origin), None), "a nested id");
    assert!(!ok(&["L1@210100-a"], "210102", Some(&origin), Some("100000-n")), "updated only by its path");
    assert!(!ok(&["L1@210100-a"], "210102", None, None));
    // The city cannot speak for another node of its region (its ids would be squatted).
    let squatter = Origin { node: "210100-b".into(), ..origin.clone() };
    assert!(!ok(&["L5@210100-b"], "210102", Some(&squatter), None));
    // The national node takes a province's forwarding of its cities.
    let province = peer("210000-p", PeerRole::Child, "210000");
    assert!(
        check_received(NodeKind::National, &province, &["L1@210100-a"], &region("210102"), Some(&origin), None).is_ok()
    );
    let jilin = Origin { node: "220100-j".into(), ..origin.clone() };
    assert!(
        check_received(NodeKind::National, &province, &["L1@220100-j"], &region("210102"), Some(&jilin), None).is_err()
    );
}

#[test]
fn the_province_keeps_its_decision_and_the_unit_its_withdrawal() {
    let decided = listing(Scope::National, NationalState::PublishedNational);
    // The city's snapshot, sent before it learned of the decision, does not undo it.
    let stale = listing(Scope::National, NationalState::PendingProvince);
    assert_eq!(merge_listing(Some(&decided), stale, true).national_state, NationalState::PublishedNational);
    // A child cannot publish its own listing.
    let forged = listing(Scope::National, NationalState::PublishedNational);
    assert_eq!(merge_listing(None, forged, true).national_state, NationalState::PendingProvince);
    // Nor widen the scope the authority approved.
    let mut wider = listing(Scope::National, NationalState::PendingProvince);
    let approved = listing(Scope::Province, NationalState::PendingProvince);
    wider.description = "新描述".into();
    let merged = merge_listing(Some(&approved), wider, true);
    assert_eq!((merged.scope, merged.description.as_str()), (Scope::Province, "新描述"));
    // A withdrawal always counts.
    let mut withdrawn = listing(Scope::National, NationalState::Cancelled);
    withdrawn.state = State::Withdrawn;
    assert_eq!(merge_listing(Some(&decided), withdrawn, true).national_state, NationalState::Cancelled);
    // Elsewhere the sender's word is taken as it is.
    let published = listing(Scope::National, NationalState::PublishedNational);
    assert_eq!(merge_listing(None, published, false).national_state, NationalState::PublishedNational);
}

#[test]
fn a_decision_applies_only_to_a_listing_waiting_for_it() {
    let waiting = listing(Scope::National, NationalState::PendingProvince);
    let published = listing(Scope::National, NationalState::PublishedNational);
    let rejected = listing(Scope::National, NationalState::Rejected);
    assert_eq!(decision(&waiting, &published), Some(true));
    assert_eq!(decision(&waiting, &rejected), Some(false));
    assert_eq!(decision(&waiting, &waiting), None);
    assert_eq!(decision(&published, &rejected), None);
}

#[test]
fn ids_carry_their_node() {
    let wire = wire_id("L12", "210100-3fa2c91b");
    assert_eq!(wire, "L12@210100-3fa2c91b");
    assert_eq!(node_of(&wire), Some("210100-3fa2c91b"));
    assert_eq!(own_id(&wire, "210100-3fa2c91b"), Some("L12"));
    assert_eq!(own_id(&wire, "210200-3fa2c91b"), None);
    assert_eq!(own_id("L1@210100-a@210000-p", "210000-p"), None, "a nested id is nobody's own");
}

/// A v1 bundle as a city sends it up: a listing with its card and photo, and a demand. The file
/// in `fixtures/bundles/` was written by this release (`GWC_WRITE_GOLDEN=1 cargo test golden`);
/// every later release must write the same bytes from the same records and read the records
/// back from it unchanged.
#[test]
fn the_golden_listing_bundle_decodes_into_todays_records() {
    use crate::domain::card::CardFields;
    use crate::federation::bundle::{self, Direction, Envelope, GENESIS, Limits};
    use ed25519_dalek::SigningKey;

    let node = "210100-3fa2c91b";
    let mut l = listing(Scope::National, NationalState::PendingProvince);
    l.published_at = Some("2026-11-20T02:00:00Z".into());
    l.updated_at = "2026-11-21T02:00:00Z".into();
    let mut card = CardFields {
        asset_code: "ZC2019240031".into(),
        name: "台式计算机".into(),
        category: "A02010105".into(),
        spec: "i5-8500/8G/256G".into(),
        brand: "联想".into(),
        quantity: 1,
        measure_unit: "台".into(),
        acquired_on: "2019-06-01".into(),
        original_value_fen: 568_000,
        net_value_fen: 120_000,
        status: crate::domain::card::CardStatus::Idle,
        shared: false,
        location_id: Some("loc1".into()),
        using_department: "办公室".into(),
        custodian: "张三".into(),
        lease_end_on: None,
    }
    .into_card("c1".into(), "u1".into(), "2026-01-01T00:00:00Z".into());
    let photo_bytes = b"\xff\xd8 golden photo \xff\xd9".to_vec();
    card.photos.push(crate::domain::photo::Photo {
        hash: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&photo_bytes)),
        width: 1600,
        height: 1200,
        flags: Vec::new(),
    });
    let shared = SharedListing {
        listing: outgoing_listing(&l, node, "沈阳市财政局公物仓", "和平区教育局"),
        card: shared_card(&card, node),
    };
    let demand = Demand {
        id: "D1".into(),
        unit_id: "u1".into(),
        unit_region: region("210102"),
        unit_department: "和平区教育局".into(),
        fields: crate::domain::demand::DemandFields {
            category: "A02021003".into(),
            name: "A4黑白打印机".into(),
            quantity: 2,
            indicators: vec![crate::domain::demand::Indicator {
                key: "打印速度".into(), value: "≥ 30 页/分".into()
            }],
            budget_per_unit_fen: 150_000,
            expected_on: "2027-03-01".into(),
            contact_name: "李娜".into(),
            contact_phone: "024-22861234".into(),
            scope: Scope::National,
        },
        state: DemandState::Published,
        close_reason: None,
        reason: None,
        created_at: "2026-11-22T02:00:00Z".into(),
        published_at: Some("2026-11-22T03:00:00Z".into()),
        updated_at: "2026-11-22T03:00:00Z".into(),
        matches_seen_at: None,
        origin: None,
        sent_to: Vec::new(),
    };
    let shared_demand =
        SharedDemand { demand: outgoing_demand(&demand, node, "沈阳市财政局公物仓", "和平区教育局") };
    let events = bundle::chain(
        GENESIS,
        1,
        vec![
            (LISTING.into(), l.updated_at.clone(), serde_json::to_value(&shared).unwrap()),
            (DEMAND.into(), demand.updated_at.clone(), serde_json::to_value(&shared_demand).unwrap()),
        ],
    );
    let envelope = Envelope {
        sender: node.into(),
        recipient: "210000-8d01e4a7".into(),
        network: "gongwucang-cn".into(),
        direction: Direction::Up,
        prev_hash: GENESIS,
        first: 1,
        ack: 0,
        created_at: "2026-11-27T08:00:00Z".into(),
        summary: "事件 2 条（第 1–2 条：入仓资产 1、需求 1），照片 1 张，确认已接收对方事件至第 0 条".into(),
    };
    let written =
        bundle::write(&envelope, &events, std::slice::from_ref(&photo_bytes), &SigningKey::from_bytes(&[7; 32]));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bundles/golden-v1-listing.gwcb");
    if std::env::var_os("GWC_WRITE_GOLDEN").is_some() {
        std::fs::write(&path, &written).unwrap();
    }
    let golden = std::fs::read(&path).unwrap();
    assert_eq!(written, golden, "today's records write the frozen bytes");
    let signed = bundle::read_header(&golden, &Limits::default()).unwrap();
    signed.verify(&SigningKey::from_bytes(&[7; 32]).verifying_key()).unwrap();
    let contents = bundle::open(&golden, &signed).unwrap();
    let back: SharedListing = serde_json::from_value(contents.events[0].body.clone()).unwrap();
    assert_eq!(back, shared);
    assert_eq!((back.listing.id.as_str(), back.card.custodian.as_str()), ("L1@210100-3fa2c91b", ""));
    let back: SharedDemand = serde_json::from_value(contents.events[1].body.clone()).unwrap();
    assert_eq!(back, shared_demand);
    assert_eq!(contents.photos, [photo_bytes]);
}

#[test]
fn a_hold_travels_with_wire_ids_so_other_nodes_drop_the_listing_from_their_plazas() {
    let node = "210100-3fa2c91b";
    let mut l = listing(Scope::National, NationalState::PublishedNational);
    l.state = crate::domain::listing::State::Published;
    l.hold = Some(Hold {
        interest_id: "I7".into(),
        unit_id: "u2".into(),
        since: "2026-11-27T09:00:00Z".into(),
        until: "2026-12-27".into(),
    });
    let out = outgoing_listing(&l, node, "沈阳市财政局公物仓", "和平区教育局");
    let hold = out.hold.clone().expect("the hold travels");
    assert_eq!((hold.interest_id.as_str(), hold.unit_id.as_str()), ("I7@210100-3fa2c91b", "u2@210100-3fa2c91b"));
    assert!(out.reserved("2026-12-01") && !out.reserved("2026-12-28"), "the receiving node reads it off the date");
    // Relayed onwards unchanged (already wire ids).
    let relayed = outgoing_listing(&out, "210000-aaaaaaaa", "辽宁省财政厅公物仓", "和平区教育局");
    assert_eq!(relayed.hold, out.hold);
}

#[test]
fn a_hold_for_another_nodes_unit_keeps_its_ids_and_comes_home_as_that_nodes_own() {
    let (shenyang, dalian) = ("210100-3fa2c91b", "210200-0b1c2d3e");
    let mut l = listing(Scope::Province, NationalState::PublishedNational);
    l.hold = Some(Hold {
        interest_id: format!("I3@{dalian}"),
        unit_id: format!("u9@{dalian}"),
        since: "2026-11-27T09:00:00Z".into(),
        until: "2026-12-27".into(),
    });
    let out = outgoing_listing(&l, shenyang, "沈阳市财政局公物仓", "和平区教育局");
    let hold = out.hold.clone().unwrap();
    assert_eq!(hold.interest_id, format!("I3@{dalian}"), "not wrapped twice");
    assert!(hold_ids_valid(&hold));
    let home = incoming_hold(hold.clone(), dalian);
    assert_eq!((home.interest_id.as_str(), home.unit_id.as_str()), ("I3", "u9"));
    assert_eq!(incoming_hold(hold.clone(), "210000-aaaaaaaa"), hold, "elsewhere it stays an outside id");
    assert!(!hold_ids_valid(&Hold { unit_id: "u9".into(), ..hold }));
}

fn interest(id: &str, state: InterestState) -> Interest {
    Interest {
        id: id.into(),
        listing_id: "L1".into(),
        listing_unit_id: "u1".into(),
        unit_id: "u9".into(),
        quantity: 1,
        purpose: "新设办公室".into(),
        contact_name: "赵强".into(),
        contact_phone: "0411-1".into(),
        note: String::new(),
        state,
        created_at: "2026-11-27T09:00:00Z".into(),
        decided_at: None,
        reason: None,
        hold_until: None,
        origin: None,
    }
}

#[test]
fn an_interest_travels_with_outside_ids_and_its_units_node_and_name() {
    let (shenyang, dalian) = ("210100-3fa2c91b", "210200-0b1c2d3e");
    // Registered at 大连 in 沈阳's listing (a received copy: outside ids already).
    let mine = Interest {
        listing_id: format!("L1@{shenyang}"),
        listing_unit_id: format!("u1@{shenyang}"),
        ..interest("I3", InterestState::Open)
    };
    let out = outgoing_interest(&mine, dalian, "大连市财政局公物仓", "大连市第一中学");
    assert_eq!(
        (out.id.as_str(), out.unit_id.as_str()),
        (format!("I3@{dalian}").as_str(), format!("u9@{dalian}").as_str())
    );
    assert_eq!(out.listing_id, format!("L1@{shenyang}"));
    let origin = out.origin.clone().unwrap();
    assert_eq!((origin.node.as_str(), origin.unit_name.as_str(), origin.via.as_str()), (dalian, "大连市第一中学", ""));
    // At 沈阳 it is kept against the listing's own ids, and goes back with outside ones.
    let at_shenyang = Interest { listing_id: "L1".into(), listing_unit_id: "u1".into(), ..out.clone() };
    let back = outgoing_interest(&at_shenyang, shenyang, "沈阳市财政局公物仓", "");
    assert_eq!((back.id, back.unit_id, back.listing_id), (out.id.clone(), out.unit_id, format!("L1@{shenyang}")));
    // The routes: toward the listing and toward the unit, never back where it came from.
    assert_eq!(interest_recipients(Some("P"), None, None), ["P"]);
    assert_eq!(interest_recipients(Some("A"), Some("B"), Some("B")), ["A"]);
    assert_eq!(interest_recipients(None, Some("P"), Some("P")), Vec::<String>::new());
}

#[test]
fn each_side_of_an_interest_says_only_what_is_its_to_say() {
    use InterestSide::*;
    let open = interest("I3@x", InterestState::Open);
    assert_eq!(merge_interest(None, open.clone(), Interested), Ok(Some(open.clone())));
    assert!(merge_interest(None, open.clone(), Offering).is_err(), "a decision on an interest never received");
    let accepted = Interest {
        state: InterestState::Accepted,
        decided_at: Some("2026-11-28T10:00:00Z".into()),
        hold_until: Some("2026-12-28".into()),
        ..open.clone()
    };
    // The interested unit cannot accept its own interest; the offering unit can.
    assert_eq!(merge_interest(Some(&open), accepted.clone(), Interested), Ok(None));
    let merged = merge_interest(Some(&open), accepted.clone(), Offering).unwrap().unwrap();
    assert_eq!((merged.state, merged.hold_until.as_deref()), (InterestState::Accepted, Some("2026-12-28")));
    assert_eq!(merge_interest(Some(&merged), accepted.clone(), Offering), Ok(None), "the same decision twice");
    // A withdrawal stands against a decision that crossed it on the way.
    let withdrawn = Interest { state: InterestState::Withdrawn, ..open.clone() };
    let after = merge_interest(Some(&merged), withdrawn.clone(), Interested).unwrap().unwrap();
    assert_eq!(after.state, InterestState::Withdrawn);
    assert_eq!(merge_interest(Some(&after), accepted, Offering), Ok(None));
    // The offering unit cannot withdraw it, nor reopen it.
    assert_eq!(merge_interest(Some(&merged), withdrawn, Offering), Ok(None));
    assert_eq!(merge_interest(Some(&merged), open, Offering), Ok(None));
}
