use proptest::prelude::*;

use super::*;

fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

fn listing(national: bool) -> Listing {
    Listing {
        id: "L1".into(),
        card_id: "c1".into(),
        unit_id: "u1".into(),
        unit_region: region("210102"),
        unit_department: "和平区教育局".into(),
        mode: Mode::Transfer,
        national,
        scope: if national { Scope::National } else { Scope::City },
        description: String::new(),
        condition: String::new(),
        source: Source::Routine,
        contact_name: "王丽".into(),
        contact_phone: "024-1".into(),
        state: State::Draft,
        national_state: NationalState::None,
        reason: None,
        result: None,
        created_at: String::new(),
        published_at: None,
        updated_at: String::new(),
        national_published_at: None,
        origin: None,
        sent_to: Vec::new(),
        hold: None,
    }
}

fn actor(role: Role, unit: Option<&str>, code: &str) -> Actor {
    Actor { role, unit_id: unit.map(Into::into), region: region(code) }
}

fn clerk() -> Actor {
    actor(Role::Clerk, Some("u1"), "210102")
}

fn reviewer() -> Actor {
    actor(Role::Reviewer, Some("u1"), "210102")
}

fn step(l: &Listing, a: &Actor, action: ListingAction) -> Listing {
    transition(l, a, &action, "2026-11-27T00:00:00Z").unwrap_or_else(|r| panic!("{action:?} refused: {r:?}"))
}

fn result() -> ListingResult {
    ListingResult {
        method: ResultMethod::Allocation,
        receiver_name: "沈阳市第三中学".into(),
        receiver_unit_id: None,
        receiver_region: Some("210102".into()),
        receiver_budget_code: Some("002003".into()),
        date: "2026-11-20".into(),
        quantity: 1,
        note: String::new(),
        until: None,
    }
}

#[test]
fn the_local_track_goes_draft_pending_published_exit_withdrawn() {
    let l = step(&listing(false), &clerk(), ListingAction::Submit);
    assert_eq!(l.state, State::PendingEntry);
    let l = step(&l, &reviewer(), ListingAction::ReviewEntry { approve: true, reason: None });
    assert_eq!((l.state, l.national_state), (State::Published, NationalState::None));
    assert!(l.in_warehouse_plaza() && l.holds_card());
    let l = step(&l, &clerk(), ListingAction::RequestExit { reason: "已盘活自用".into() });
    let l = step(&l, &reviewer(), ListingAction::ReviewExit { approve: true, reason: None });
    assert_eq!(l.state, State::Withdrawn);
    assert!(!l.holds_card(), "a local listing frees its card when the exit is approved");
    let refused = transition(&l, &clerk(), &ListingAction::Cancel, "").unwrap_err();
    assert!(matches!(refused, Refusal::WrongState { .. }));
}

#[test]
fn a_rejected_entry_returns_to_the_clerk_with_the_reason_and_can_be_resubmitted() {
    let l = step(&listing(false), &clerk(), ListingAction::Submit);
    let refused =
        transition(&l, &reviewer(), &ListingAction::ReviewEntry { approve: false, reason: None }, "").unwrap_err();
    assert!(matches!(refused, Refusal::Invalid(_)), "a rejection needs a reason");
    let l = step(&l, &reviewer(), ListingAction::ReviewEntry { approve: false, reason: Some("照片不清晰".into()) });
    assert_eq!((l.state, l.reason.as_deref()), (State::Returned, Some("照片不清晰")));
    let l = step(&l, &clerk(), ListingAction::Submit);
    assert_eq!((l.state, l.reason), (State::PendingEntry, None));
}

#[test]
fn the_platform_track_runs_through_authority_and_province() {
    let l = step(&listing(true), &clerk(), ListingAction::Submit);
    let l = step(&l, &reviewer(), ListingAction::ReviewEntry { approve: true, reason: None });
    assert_eq!((l.state, l.national_state), (State::Published, NationalState::PendingAuthority));
    let stranger = actor(Role::Authority, None, "210300");
    assert!(matches!(
        transition(&l, &stranger, &ListingAction::AuthorityReview { approve: true, scope: None, reason: None }, ""),
        Err(Refusal::NotAllowed(_))
    ));
    let authority = actor(Role::Authority, None, "210100");
    let bad_scope = ListingAction::AuthorityReview { approve: true, scope: Some(Scope::City), reason: None };
    assert!(matches!(transition(&l, &authority, &bad_scope, ""), Err(Refusal::Invalid(_))));
    let l = step(
        &l,
        &authority,
        ListingAction::AuthorityReview { approve: true, scope: Some(Scope::Province), reason: None },
    );
    assert_eq!((l.national_state, l.scope), (NationalState::PendingProvince, Scope::Province));
    let province = actor(Role::Province, None, "210000");
    let l = step(&l, &province, ListingAction::SubmitCentral { approve: true, reason: None });
    assert_eq!(l.national_state, NationalState::PublishedNational);

    let l = step(&l, &clerk(), ListingAction::RequestExit { reason: "需要变更信息".into() });
    let l = step(&l, &reviewer(), ListingAction::ReviewExit { approve: true, reason: None });
    assert!(l.holds_card(), "still on the platform until 取消调剂共享");
    let l = step(&l, &clerk(), ListingAction::Cancel);
    assert_eq!(l.national_state, NationalState::Cancelled);
    assert!(!l.holds_card());
}

#[test]
fn a_result_completes_a_published_listing_only() {
    let l = step(&listing(false), &clerk(), ListingAction::Submit);
    assert!(matches!(
        transition(&l, &clerk(), &ListingAction::RecordResult(result()), ""),
        Err(Refusal::WrongState { .. })
    ));
    let l = step(&l, &reviewer(), ListingAction::ReviewEntry { approve: true, reason: None });
    let l = step(&l, &clerk(), ListingAction::RecordResult(result()));
    assert_eq!(l.state, State::Completed);
    assert!(!l.holds_card() && !l.in_warehouse_plaza());
}

#[test]
fn visibility_follows_the_scope() {
    let mut l = listing(false);
    l.scope = Scope::County;
    let viewer = |unit: &str, code: &str, department: &str| Viewer {
        role: Role::Clerk,
        unit_id: Some(unit.into()),
        region: region(code),
        department: Some(department.into()),
    };
    assert!(visible(&l, &viewer("u2", "210102", "x")));
    assert!(!visible(&l, &viewer("u2", "210103", "x")));
    l.scope = Scope::City;
    assert!(visible(&l, &viewer("u2", "210103", "x")));
    assert!(!visible(&l, &viewer("u2", "210302", "x")));
    l.scope = Scope::Department;
    assert!(visible(&l, &viewer("u2", "210103", "和平区教育局")));
    assert!(!visible(&l, &viewer("u2", "210102", "和平区卫健局")));
    assert!(visible(&l, &viewer("u1", "210102", "x")), "a unit always sees its own");
    let authority = Viewer { role: Role::Authority, unit_id: None, region: region("210100"), department: None };
    assert!(visible(&l, &authority));
}

fn any_actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        Just(clerk()),
        Just(reviewer()),
        Just(actor(Role::Clerk, Some("u2"), "210102")),
        Just(actor(Role::Reviewer, Some("u2"), "210102")),
        Just(actor(Role::Authority, None, "210100")),
        Just(actor(Role::Authority, None, "210300")),
        Just(actor(Role::Province, None, "210000")),
        Just(actor(Role::National, None, "100000")),
        Just(actor(Role::Admin, None, "210100")),
    ]
}

fn any_action() -> impl Strategy<Value = ListingAction> {
    let why = prop_oneof![Just(None), Just(Some("理由".to_owned()))];
    prop_oneof![
        Just(ListingAction::Submit),
        (any::<bool>(), why.clone()).prop_map(|(approve, reason)| ListingAction::ReviewEntry { approve, reason }),
        Just(ListingAction::RequestExit { reason: "退仓".into() }),
        (any::<bool>(), why.clone()).prop_map(|(approve, reason)| ListingAction::ReviewExit { approve, reason }),
        (any::<bool>(), why.clone()).prop_map(|(approve, reason)| ListingAction::AuthorityReview {
            approve,
            scope: None,
            reason
        }),
        (any::<bool>(), why).prop_map(|(approve, reason)| ListingAction::SubmitCentral { approve, reason }),
        Just(ListingAction::Cancel),
        Just(ListingAction::RecordResult(result())),
    ]
}

/// The legal (state, national_state) pairs of SPEC §5.
fn legal(l: &Listing) -> bool {
    use NationalState as N;
    use State as S;
    match (l.state, l.national_state) {
        (S::Draft | S::PendingEntry | S::Returned, N::None) => true,
        (_, N::None) => !l.national,
        (S::Draft | S::PendingEntry | S::Returned, _) => false,
        (_, _) => l.national,
    }
}

proptest! {
    #[test]
    fn random_actors_and_actions_keep_the_listing_legal(
        national in any::<bool>(),
        steps in proptest::collection::vec((any_actor(), any_action()), 1..40),
    ) {
        let mut l = listing(national);
        for (who, action) in steps {
            if let Ok(next) = transition(&l, &who, &action, "t") {
                prop_assert!(legal(&next), "illegal pair after {action:?}: {:?}/{:?}", next.state, next.national_state);
                prop_assert_ne!(l.state, State::Completed, "nothing moves a completed listing");
                let outsider = matches!(who.role, Role::Admin | Role::National) || who.unit_id.as_deref() == Some("u2");
                prop_assert!(!outsider, "{who:?} moved another unit's listing");
                l = next;
            }
        }
    }
}
