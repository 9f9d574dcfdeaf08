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
        open_until: None,
        offered_since: None,
        scope_change: None,
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
        Just(ListingAction::Extend { until: "2026-12-31".into() }),
        any_scope().prop_map(|scope| ListingAction::RequestWiden { scope }),
        (any::<bool>(), why2()).prop_map(|(approve, reason)| ListingAction::ReviewWiden { approve, reason }),
    ]
}

fn why2() -> impl Strategy<Value = Option<String>> {
    prop_oneof![Just(None), Just(Some("理由".to_owned()))]
}

fn any_scope() -> impl Strategy<Value = Scope> {
    prop_oneof![
        Just(Scope::Department),
        Just(Scope::County),
        Just(Scope::City),
        Just(Scope::Province),
        Just(Scope::National)
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
                prop_assert!(next.scope.fits(next.national), "scope {:?} on national={} after {action:?}", next.scope, next.national);
                prop_assert!(next.scope_change.is_none() || next.state == State::Published, "a widening pends only on offer");
                prop_assert_ne!(l.state, State::Completed, "nothing moves a completed listing");
                let outsider = matches!(who.role, Role::Admin | Role::National) || who.unit_id.as_deref() == Some("u2");
                prop_assert!(!outsider, "{who:?} moved another unit's listing");
                l = next;
            }
        }
    }
}

fn published(national: bool) -> Listing {
    let l = step(&listing(national), &clerk(), ListingAction::Submit);
    let mut l = step(&l, &reviewer(), ListingAction::ReviewEntry { approve: true, reason: None });
    l.published_at = Some("2026-05-01T08:00:00Z".into());
    l
}

#[test]
fn extend_sets_an_open_until_from_today_to_a_year_ahead() {
    let l = published(false);
    let now = "2026-11-27T09:00:00Z";
    let extended = transition(&l, &clerk(), &ListingAction::Extend { until: "2027-02-25".into() }, now).unwrap();
    assert_eq!(extended.open_until.as_deref(), Some("2027-02-25"));
    assert_eq!(extended.state, State::Published, "延期 needs no review");
    for bad in ["2026-11-26", "2027-11-29", "2027-02-30", "明年"] {
        let refused = transition(&l, &clerk(), &ListingAction::Extend { until: bad.into() }, now).unwrap_err();
        assert!(matches!(refused, Refusal::Invalid(_)), "{bad}: {refused:?}");
    }
    let other = actor(Role::Clerk, Some("u2"), "210102");
    let refused = transition(&l, &other, &ListingAction::Extend { until: "2027-01-01".into() }, now).unwrap_err();
    assert!(matches!(refused, Refusal::NotAllowed(_)));
    let leaving = step(&l, &clerk(), ListingAction::RequestExit { reason: "自用".into() });
    let refused =
        transition(&leaving, &clerk(), &ListingAction::Extend { until: "2027-01-01".into() }, now).unwrap_err();
    assert!(matches!(refused, Refusal::WrongState { .. }));
}

#[test]
fn a_widening_goes_through_the_reviewer_and_starts_a_new_offer_period() {
    let mut l = published(false);
    l.scope = Scope::Department;
    l.open_until = Some("2026-11-01".into());
    let now = "2026-11-27T09:00:00Z";
    let narrower = transition(&l, &clerk(), &ListingAction::RequestWiden { scope: Scope::Department }, now);
    assert!(matches!(narrower, Err(Refusal::Invalid(_))), "{narrower:?}");
    let asked = transition(&l, &clerk(), &ListingAction::RequestWiden { scope: Scope::City }, now).unwrap();
    assert_eq!(asked.scope, Scope::Department, "the scope changes only when approved");
    assert_eq!(asked.scope_change.as_ref().map(|c| c.scope), Some(Scope::City));
    let twice = transition(&asked, &clerk(), &ListingAction::RequestWiden { scope: Scope::National }, now);
    assert!(matches!(twice, Err(Refusal::WrongState { .. })));
    assert!(allowed_actions(&asked, &reviewer(), now).contains(&"review"));
    let by_clerk = transition(&asked, &clerk(), &ListingAction::ReviewWiden { approve: true, reason: None }, now);
    assert!(matches!(by_clerk, Err(Refusal::NotAllowed(_))));
    let refused = transition(&asked, &reviewer(), &ListingAction::ReviewWiden { approve: false, reason: None }, now);
    assert!(matches!(refused, Err(Refusal::Invalid(_))), "a refusal needs its reason");
    let declined =
        step(&asked, &reviewer(), ListingAction::ReviewWiden { approve: false, reason: Some("范围已够".into()) });
    assert_eq!((declined.scope, declined.scope_change.is_none()), (Scope::Department, true));
    assert_eq!(declined.reason.as_deref(), Some("范围已够"));
    let approved =
        transition(&asked, &reviewer(), &ListingAction::ReviewWiden { approve: true, reason: None }, now).unwrap();
    assert_eq!((approved.scope, approved.national), (Scope::City, false));
    assert_eq!(approved.offered_since.as_deref().and_then(|s| s.get(..10)), Some("2026-11-27"));
    assert_eq!(approved.open_until, None);
    assert!(!approved.stale("2026-11-28", 180), "a new audience, a new period");
    assert!(approved.stale("2027-05-26", 180));
}

#[test]
fn widening_to_the_platform_joins_the_authority_review() {
    let l = published(false);
    let now = "2026-11-27T09:00:00Z";
    let asked = step(&l, &clerk(), ListingAction::RequestWiden { scope: Scope::Province });
    let approved =
        transition(&asked, &reviewer(), &ListingAction::ReviewWiden { approve: true, reason: None }, now).unwrap();
    assert_eq!((approved.national, approved.scope), (true, Scope::Province));
    assert_eq!(approved.national_state, NationalState::PendingAuthority);
    assert_eq!(approved.platform_group(), Some(PlatformGroup::Pending));
    let again = transition(&approved, &clerk(), &ListingAction::RequestWiden { scope: Scope::National }, now);
    assert!(matches!(again, Err(Refusal::WrongState { .. })), "on the platform the authority decides the scope");
    assert!(!allowed_actions(&approved, &clerk(), now).contains(&"widen"));
}

#[test]
fn a_result_supersedes_a_pending_widening_and_an_exit_waits_for_it() {
    let asked = step(&published(false), &clerk(), ListingAction::RequestWiden { scope: Scope::National });
    let leaving = transition(&asked, &clerk(), &ListingAction::RequestExit { reason: "自用".into() }, "t");
    assert!(matches!(leaving, Err(Refusal::WrongState { .. })), "the reviewer decides one request at a time");
    let done = step(&asked, &clerk(), ListingAction::RecordResult(result()));
    assert!(done.scope_change.is_none());
}

#[test]
fn department_scope_widens_to_the_city_not_to_the_county() {
    assert!(!Scope::Department.widens_to(Scope::County), "本区县 loses the department's units elsewhere in the city");
    assert!(Scope::Department.widens_to(Scope::City) && Scope::Department.widens_to(Scope::National));
    assert!(Scope::County.widens_to(Scope::City) && !Scope::City.widens_to(Scope::County));
    let mut l = published(false);
    l.scope = Scope::Department;
    let refused = transition(&l, &clerk(), &ListingAction::RequestWiden { scope: Scope::County }, "t");
    assert!(matches!(refused, Err(Refusal::Invalid(_))), "{refused:?}");
}

#[test]
fn a_listing_is_stale_from_its_due_day_unless_held_leaving_or_widening() {
    let l = published(false);
    assert_eq!(l.due_on(180).as_deref(), Some("2026-10-28"));
    assert!(!l.stale("2026-10-27", 180));
    assert!(l.stale("2026-10-28", 180));
    let mut own_date = l.clone();
    own_date.open_until = Some("2026-12-31".into());
    assert_eq!(own_date.due_on(180).as_deref(), Some("2027-01-01"), "the day after 开放期限");
    assert!(!own_date.stale("2026-12-31", 180) && own_date.stale("2027-01-01", 180));
    let mut held = l.clone();
    held.hold = Some(crate::domain::interest::Hold {
        interest_id: "I1".into(),
        unit_id: "u2".into(),
        since: "2026-11-20".into(),
        until: "2026-12-20".into(),
    });
    assert!(!held.stale("2026-11-27", 180), "洽谈中 is not stale");
    assert!(held.stale("2026-12-21", 180), "a lapsed hold returns it");
    let widening = step(&l, &clerk(), ListingAction::RequestWiden { scope: Scope::National });
    assert!(!widening.stale("2026-11-27", 180));
    let leaving = step(&l, &clerk(), ListingAction::RequestExit { reason: "自用".into() });
    assert!(!leaving.stale("2026-11-27", 180));
    let mut received = l.clone();
    received.origin = Some(Origin {
        node: "n".into(),
        node_name: "n".into(),
        unit_name: "u".into(),
        via: String::new(),
        received_at: String::new(),
    });
    assert!(!received.stale("2026-11-27", 180), "only the owning node reminds its clerk");
    assert_eq!(listing(false).due_on(180), None, "a draft has no due day");
}

#[test]
fn the_handover_is_for_both_parties_and_their_authorities_once_completed() {
    let open = published(false);
    let refused = may_read_handover(&open, &clerk());
    assert!(matches!(refused, Err(Refusal::WrongState { .. })), "{refused:?}");
    let mut r = result();
    r.receiver_unit_id = Some("u3".into());
    r.receiver_region = Some("210302".into());
    let done = step(&open, &clerk(), ListingAction::RecordResult(r));
    assert!(may_read_handover(&done, &clerk()).is_ok());
    assert!(may_read_handover(&done, &reviewer()).is_ok());
    assert!(may_read_handover(&done, &actor(Role::Clerk, Some("u3"), "210302")).is_ok(), "the receiver");
    assert!(may_read_handover(&done, &actor(Role::Authority, None, "210300")).is_ok(), "the receiver's authority");
    assert!(may_read_handover(&done, &actor(Role::Authority, None, "210100")).is_ok(), "the supplier's authority");
    for outsider in [
        actor(Role::Clerk, Some("u2"), "210102"),
        actor(Role::Authority, None, "210200"),
        actor(Role::Admin, None, "210100"),
    ] {
        assert!(matches!(may_read_handover(&done, &outsider), Err(Refusal::NotAllowed(_))), "{outsider:?}");
    }
    assert!(allowed_actions(&done, &clerk(), "2026-11-27T00:00:00Z").contains(&"handover"));
}

#[test]
fn the_value_handed_over_is_the_share_of_the_card_rounded_down() {
    assert_eq!(value_share(1_000_000, 3, 3), 1_000_000);
    assert_eq!(value_share(100_000, 1, 3), 33_333);
    assert_eq!(value_share(i64::MAX, 2, 3), (i128::from(i64::MAX) * 2 / 3) as i64);
    assert_eq!(value_share(500, 1, 0), 500);
}

#[test]
fn a_result_is_checked_against_the_card_and_the_calendar() {
    let today = "2026-11-27";
    let mut r = result();
    assert!(check_result(&r, 1, today).is_ok());
    r.quantity = 1;
    r.method = ResultMethod::SharedUse;
    assert!(check_result(&r, 3, today).is_ok(), "sharing part of a card is fine");
    r.date = "2026-11-28".into();
    assert!(matches!(check_result(&r, 3, today), Err(Refusal::Invalid(m)) if m.contains("不能晚于今天")));
    r.date = "2026-11-20".into();
    r.quantity = 4;
    assert!(matches!(check_result(&r, 3, today), Err(Refusal::Invalid(_))));
}
