use super::*;
use crate::domain::listing::{ListingResult, Mode, NationalState, ResultMethod, Scope, Source};
use crate::domain::region::RegionCode;

const NOW: &str = "2026-11-27T09:00:00Z";

fn published() -> Listing {
    Listing {
        id: "L1".into(),
        card_id: "c1".into(),
        unit_id: "u1".into(),
        unit_region: RegionCode::parse("210102").unwrap(),
        unit_department: "和平区教育局".into(),
        mode: Mode::Transfer,
        national: false,
        scope: Scope::City,
        description: String::new(),
        condition: String::new(),
        source: Source::Routine,
        contact_name: "王丽".into(),
        contact_phone: "024-1".into(),
        state: State::Published,
        national_state: NationalState::None,
        reason: None,
        result: None,
        created_at: NOW.into(),
        published_at: Some(NOW.into()),
        updated_at: NOW.into(),
        national_published_at: None,
        origin: None,
        sent_to: Vec::new(),
        hold: None,
        open_until: None,
        offered_since: None,
        scope_change: None,
    }
}

fn clerk_of(unit: &str) -> Actor {
    Actor { role: Role::Clerk, unit_id: Some(unit.into()), region: RegionCode::parse("210102").unwrap() }
}

fn fields() -> InterestFields {
    InterestFields {
        quantity: 1,
        purpose: " 新建教室配备 ".into(),
        contact_name: "李明".into(),
        contact_phone: "024-2".into(),
        note: String::new(),
    }
}

fn registered(id: &str, unit: &str, listing: &Listing, existing: &[Interest]) -> Interest {
    register(id.into(), listing, &clerk_of(unit), fields().checked(1).unwrap(), existing, NOW).unwrap()
}

#[test]
fn a_unit_registers_once_and_never_on_its_own_or_an_unpublished_asset() {
    let listing = published();
    let first = registered("I1", "u2", &listing, &[]);
    assert_eq!(
        (first.state, first.purpose.as_str(), first.listing_unit_id.as_str()),
        (InterestState::Open, "新建教室配备", "u1")
    );

    let again = register("I2".into(), &listing, &clerk_of("u2"), fields(), std::slice::from_ref(&first), NOW);
    assert!(
        matches!(again, Err(Refusal::WrongState { ref message, .. }) if message.contains("无需重复登记")),
        "{again:?}"
    );
    let own = register("I2".into(), &listing, &clerk_of("u1"), fields(), &[], NOW);
    assert!(matches!(own, Err(Refusal::Invalid(ref m)) if m.contains("本单位")), "{own:?}");
    let reviewer = Actor { role: Role::Reviewer, ..clerk_of("u2") };
    assert!(matches!(register("I2".into(), &listing, &reviewer, fields(), &[], NOW), Err(Refusal::NotAllowed(_))));
    let draft = Listing { state: State::PendingEntry, ..published() };
    assert!(matches!(
        register("I2".into(), &draft, &clerk_of("u2"), fields(), &[], NOW),
        Err(Refusal::WrongState { .. })
    ));

    // A withdrawn interest does not stop a new one.
    let withdrawn = Interest { state: InterestState::Withdrawn, ..first };
    assert!(register("I2".into(), &listing, &clerk_of("u2"), fields(), &[withdrawn], NOW).is_ok());
}

#[test]
fn fields_are_checked_against_the_card() {
    assert!(fields().checked(1).is_ok());
    let too_many = InterestFields { quantity: 3, ..fields() };
    assert!(too_many.checked(2).unwrap_err().to_string().contains("1 至 2"));
    let none = InterestFields { quantity: 0, ..fields() };
    assert!(none.checked(2).is_err());
    let no_purpose = InterestFields { purpose: "  ".into(), ..fields() };
    assert!(no_purpose.checked(1).unwrap_err().to_string().contains("拟用途"));
    let no_phone = InterestFields { contact_phone: String::new(), ..fields() };
    assert!(no_phone.checked(1).unwrap_err().to_string().contains("联系电话"));
}

#[test]
fn accepting_holds_the_listing_for_the_hold_period_then_it_lapses_by_itself() {
    let listing = published();
    let first = registered("I1", "u2", &listing, &[]);
    let second = registered("I2", "u3", &listing, std::slice::from_ref(&first));

    // Only the offering unit's clerk accepts.
    let refused = act(&first, &listing, &clerk_of("u2"), &InterestAction::Accept { hold_days: 30 }, NOW);
    assert!(matches!(refused, Err(Refusal::NotAllowed(_))));

    let (accepted, held) =
        act(&first, &listing, &clerk_of("u1"), &InterestAction::Accept { hold_days: 30 }, NOW).unwrap();
    assert_eq!(accepted.state, InterestState::Accepted);
    assert_eq!(accepted.hold_until.as_deref(), Some("2026-12-27"));
    let hold = held.hold.clone().unwrap();
    assert_eq!((hold.interest_id.as_str(), hold.unit_id.as_str(), hold.until.as_str()), ("I1", "u2", "2026-12-27"));
    assert!(held.reserved("2026-12-27") && !held.reserved("2026-12-28"), "the last day is included");

    // One hold at a time: the next in the queue waits, and sees why.
    let busy = act(&second, &held, &clerk_of("u1"), &InterestAction::Accept { hold_days: 30 }, NOW);
    assert!(matches!(busy, Err(Refusal::WrongState { ref message, .. }) if message.contains("洽谈中")), "{busy:?}");
    assert_eq!(effective(&second, Some(&held), "2026-12-01").0, InterestState::Open);

    // After the last day the hold lapses without any write, and the next one can be accepted.
    assert_eq!(effective(&accepted, Some(&held), "2026-12-27").0, InterestState::Accepted);
    let (state, why) = effective(&accepted, Some(&held), "2026-12-28");
    assert_eq!(state, InterestState::Lapsed);
    assert!(why.unwrap().contains("洽谈期限已过"));
    let later = "2026-12-28T09:00:00Z";
    let (next, held_again) =
        act(&second, &held, &clerk_of("u1"), &InterestAction::Accept { hold_days: 10 }, later).unwrap();
    assert_eq!(next.hold_until.as_deref(), Some("2027-01-07"));
    assert_eq!(held_again.hold.unwrap().interest_id, "I2");
    // A lapsed interest cannot be accepted again.
    let stale = act(&accepted, &held, &clerk_of("u1"), &InterestAction::Accept { hold_days: 30 }, later);
    assert!(matches!(stale, Err(Refusal::WrongState { .. })));
}

#[test]
fn declining_or_withdrawing_an_accepted_interest_releases_the_listing() {
    let listing = published();
    let first = registered("I1", "u2", &listing, &[]);
    let (accepted, held) =
        act(&first, &listing, &clerk_of("u1"), &InterestAction::Accept { hold_days: 30 }, NOW).unwrap();

    let no_reason = act(&accepted, &held, &clerk_of("u1"), &InterestAction::Decline { reason: " ".into() }, NOW);
    assert!(matches!(no_reason, Err(Refusal::Invalid(_))));
    let (declined, released) =
        act(&accepted, &held, &clerk_of("u1"), &InterestAction::Decline { reason: "对方不需要了".into() }, NOW)
            .unwrap();
    assert_eq!((declined.state, declined.reason.as_deref()), (InterestState::Declined, Some("对方不需要了")));
    assert_eq!(released.hold, None);

    let (withdrawn, released) = act(&accepted, &held, &clerk_of("u2"), &InterestAction::Withdraw, NOW).unwrap();
    assert_eq!(withdrawn.state, InterestState::Withdrawn);
    assert_eq!(released.hold, None);
    let foreign = act(&accepted, &held, &clerk_of("u3"), &InterestAction::Withdraw, NOW);
    assert!(matches!(foreign, Err(Refusal::NotAllowed(_))));
    let twice = act(&withdrawn, &released, &clerk_of("u2"), &InterestAction::Withdraw, NOW);
    assert!(matches!(twice, Err(Refusal::WrongState { .. })));
}

#[test]
fn open_interests_close_with_the_reason_when_the_asset_goes() {
    let listing = published();
    let open = registered("I1", "u2", &listing, &[]);
    let result = ListingResult {
        method: ResultMethod::Allocation,
        receiver_name: "和平区实验小学".into(),
        receiver_unit_id: Some("u3".into()),
        receiver_region: None,
        receiver_budget_code: None,
        date: "2026-11-27".into(),
        quantity: 1,
        note: String::new(),
        until: None,
    };
    let completed = Listing { state: State::Completed, result: Some(result), ..published() };
    assert_eq!(
        effective(&open, Some(&completed), "2026-11-28"),
        (InterestState::Declined, Some("资产已调剂完成".into()))
    );
    let withdrawn = Listing { state: State::Withdrawn, ..published() };
    assert_eq!(effective(&open, Some(&withdrawn), "2026-11-28").1.as_deref(), Some("资产已退仓"));

    let (accepted, _) = act(&open, &listing, &clerk_of("u1"), &InterestAction::Accept { hold_days: 30 }, NOW).unwrap();
    assert_eq!(effective(&accepted, Some(&completed), "2026-11-28").1.as_deref(), Some("资产已调剂给其他单位"));
    let done = completed_by_result(&accepted, NOW);
    assert_eq!(effective(&done, Some(&completed), "2026-11-28").0, InterestState::Completed);
}

#[test]
fn a_result_or_an_exit_ends_the_hold_in_the_transition() {
    use crate::domain::listing::{ListingAction, transition};
    let listing = published();
    let open = registered("I1", "u2", &listing, &[]);
    let (_, held) = act(&open, &listing, &clerk_of("u1"), &InterestAction::Accept { hold_days: 30 }, NOW).unwrap();
    let exit = transition(&held, &clerk_of("u1"), &ListingAction::RequestExit { reason: "自用".into() }, NOW).unwrap();
    assert!(exit.hold.is_some(), "an exit request keeps the hold until it is approved");
    assert!(!exit.reserved("2026-11-28"), "but it is not on offer meanwhile");
    let reviewer = Actor { role: Role::Reviewer, ..clerk_of("u1") };
    let out = transition(&exit, &reviewer, &ListingAction::ReviewExit { approve: true, reason: None }, NOW).unwrap();
    assert_eq!((out.state, out.hold), (State::Withdrawn, None));
}

#[test]
fn an_interest_in_a_listing_of_another_node_is_registered_here_and_travels() {
    let remote = Listing {
        origin: Some(crate::domain::listing::Origin {
            node: "210200-aaaaaaaa".into(),
            node_name: "大连市公物仓".into(),
            unit_name: "大连市某局".into(),
            via: "210000-bbbbbbbb".into(),
            received_at: String::new(),
        }),
        ..published()
    };
    let registered = register("I1".into(), &remote, &clerk_of("u2"), fields(), &[], NOW).unwrap();
    assert_eq!((registered.state, registered.origin, registered.unit_id.as_str()), (InterestState::Open, None, "u2"));
}

#[test]
fn an_interest_from_another_node_meets_the_rules_of_one_registered_here() {
    use crate::domain::listing::NationalState;
    let listing = Listing {
        national: true,
        scope: Scope::Province,
        national_state: NationalState::PublishedNational,
        ..published()
    };
    let dalian = RegionCode::parse("210202").unwrap();
    let jilin = RegionCode::parse("220102").unwrap();
    let remote =
        Interest { id: "I3@210200-aa".into(), unit_id: "u9@210200-aa".into(), ..registered("I3", "u9", &listing, &[]) };
    let today = &NOW[..10];
    assert_eq!(check_remote(&listing, &remote, &dalian, 1, &[], today), Ok(()));
    assert!(
        check_remote(&listing, &remote, &jilin, 1, &[], today).unwrap_err().contains("不在调剂共享平台"),
        "本省 only"
    );
    let local_only = Listing { national: false, national_state: NationalState::None, ..listing.clone() };
    assert!(check_remote(&local_only, &remote, &dalian, 1, &[], today).is_err(), "never offered to the platform");
    let too_many = Interest { quantity: 999, ..remote.clone() };
    assert!(check_remote(&listing, &too_many, &dalian, 1, &[], today).unwrap_err().contains("1 至 1"));
    let undated = Interest { created_at: "x".into(), ..remote.clone() };
    assert!(check_remote(&listing, &undated, &dalian, 1, &[], today).is_err());
    let again = Interest { id: "I4@210200-aa".into(), ..remote.clone() };
    assert!(
        check_remote(&listing, &again, &dalian, 1, std::slice::from_ref(&remote), today)
            .unwrap_err()
            .contains("已登记")
    );
}
