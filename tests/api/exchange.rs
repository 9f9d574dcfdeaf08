//! Bundle exchange between a city node and its province node, in process and by file bytes:
//! export carries what was not acknowledged, re-import is a no-op, a flipped bit, an unknown
//! sender or another recipient is refused with nothing written, a gap is kept aside and applied
//! once filled, a fork (a restored sender re-numbering different events) is refused as evidence.

use std::path::Path;

use gongwucang::domain::audit::Actor;
use gongwucang::domain::node::NodeKind;
use gongwucang::domain::peer::{NewPeer, PeerRole};
use gongwucang::federation::keys;
use gongwucang::store::exchange::{self, ApplyEvent};
use gongwucang::store::{self, Store};
use serde_json::json;

use crate::helpers::initialise;

const NOW: &str = "2026-11-27T08:00:00Z";

struct Node {
    dir: tempfile::TempDir,
    store: Option<Store>,
}

impl Node {
    fn new(kind: NodeKind, region: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        initialise(dir.path(), kind, region);
        let store = Some(Store::open(dir.path()).unwrap());
        Self { dir, store }
    }

    fn store(&self) -> &Store {
        self.store.as_ref().unwrap()
    }

    fn id(&self) -> String {
        self.store().node().unwrap().unwrap().node_id
    }

    fn register(&self, other: &Node, role: PeerRole) {
        let them = other.store().node().unwrap().unwrap();
        let new_peer = NewPeer { role, node_id: them.node_id, region: None, public_key: them.public_key, name: None };
        let reference = self.store().reference();
        self.store().write(&Actor::system(), |tx| store::peers::add(tx, &new_peer, &reference)).unwrap();
    }

    fn append(&self, to: &Node, n: u64, tag: &str) {
        let peer = to.id();
        for i in 0..n {
            self.store()
                .write(&Actor::system(), |tx| {
                    exchange::append(tx, &peer, "listing_published", json!({"tag": tag, "i": i}), NOW)?;
                    Ok(((), gongwucang::domain::audit::AuditEntry::new("t", "t", "t", None)))
                })
                .unwrap();
        }
    }

    fn export(&self, to: &Node) -> Vec<u8> {
        let key = keys::load(self.dir.path()).unwrap();
        exchange::export(self.store(), &Actor::system(), &key, &to.id(), NOW).unwrap()
    }

    fn import(&self, bytes: &[u8]) -> exchange::ImportOutcome {
        let apply: ApplyEvent<'_> = &|_, _, _| Ok(None);
        exchange::import(self.store(), &Actor::system(), bytes, apply, NOW).unwrap()
    }

    fn channel(&self, with: &Node) -> exchange::Channel {
        self.store().read(|r| exchange::channel(r, &with.id())).unwrap()
    }

    /// Closes the database and copies the data folder (a backup).
    fn backup(&mut self) -> tempfile::TempDir {
        self.store = None;
        let copy = tempfile::tempdir().unwrap();
        copy_dir(self.dir.path(), copy.path());
        self.store = Some(Store::open(self.dir.path()).unwrap());
        copy
    }

    /// Replaces the data folder with a backup.
    fn restore(&mut self, backup: &Path) {
        self.store = None;
        copy_dir(backup, self.dir.path());
        self.store = Some(Store::open(self.dir.path()).unwrap());
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn pair() -> (Node, Node) {
    let city = Node::new(NodeKind::Local, "210100");
    let province = Node::new(NodeKind::Province, "210000");
    city.register(&province, PeerRole::Parent);
    province.register(&city, PeerRole::Child);
    (city, province)
}

#[test]
fn events_travel_once_re_imports_are_harmless_and_acknowledgements_shrink_the_next_export() {
    let (city, province) = pair();
    city.append(&province, 3, "a");
    let first = city.export(&province);
    assert_eq!(city.export(&province), first, "the same state exports the same bytes");
    let outcome = province.import(&first);
    assert_eq!((outcome.result, outcome.events), ("applied", 3), "{}", outcome.message);
    let again = province.import(&first);
    assert_eq!(again.result, "already_imported");
    assert!(again.message.contains("已导入"), "{}", again.message);
    assert_eq!(province.channel(&city).in_applied, 3);

    // The province answers (one event of its own) and acknowledges the city's three.
    province.append(&city, 1, "p");
    let answer = province.export(&city);
    assert_eq!(city.import(&answer).result, "applied");
    assert_eq!(city.channel(&province).out_acked, 3);
    city.append(&province, 2, "b");
    let next = city.export(&province);
    let header = gongwucang::federation::bundle::read_header(&next, &Default::default()).unwrap().header;
    assert_eq!((header.first, header.last, header.ack), (4, 5, 1), "only what was not acknowledged");
    assert_eq!(province.import(&next).events, 2);
    let history = province.store().read(exchange::history).unwrap();
    assert_eq!(
        history.iter().map(|r| r.result.as_str()).collect::<Vec<_>>(),
        ["applied", "exported", "already_imported", "applied"]
    );
}

#[test]
fn tampered_unknown_and_misaddressed_bundles_are_refused_without_changing_anything() {
    let (city, province) = pair();
    city.append(&province, 2, "a");
    let bytes = city.export(&province);
    let before = province.channel(&city);
    for i in [20, bytes.len() / 2, bytes.len() - 1] {
        let mut bad = bytes.clone();
        bad[i] ^= 0x10;
        let outcome = province.import(&bad);
        assert_eq!(outcome.result, "refused", "byte {i}: {}", outcome.message);
    }
    assert_eq!(province.channel(&city), before);

    let stranger = Node::new(NodeKind::Local, "210200");
    stranger.register(&province, PeerRole::Parent);
    stranger.append(&province, 1, "x");
    let outcome = province.import(&stranger.export(&province));
    assert_eq!(outcome.result, "refused");
    assert!(outcome.message.contains("未在本节点登记"), "{}", outcome.message);

    let other_province = Node::new(NodeKind::Province, "210000");
    other_province.register(&city, PeerRole::Child);
    let outcome = other_province.import(&bytes);
    assert!(outcome.result == "refused" && outcome.message.contains("不是发给本节点"), "{}", outcome.message);

    // The city cannot send the province a downward bundle: roles are checked.
    let outcome = city.import(&bytes);
    assert_eq!(outcome.result, "refused", "{}", outcome.message);
    assert_eq!(province.channel(&city).in_applied, 0);
}

#[test]
fn a_gap_is_kept_aside_until_filled_and_a_fork_is_refused() {
    let (mut city, mut province) = pair();
    let city_before = city.backup();
    city.append(&province, 3, "a");
    province.import(&city.export(&province));
    province.append(&city, 1, "p");
    let province_at_3 = province.backup();

    city.append(&province, 2, "b");
    let x1 = city.export(&province); // 4..5
    province.import(&x1);
    city.import(&province.export(&city)); // the city learns 5 was applied
    city.append(&province, 1, "c");
    let x2 = city.export(&province); // 6..6

    // The province is restored from its backup at event 3: x2 alone leaves a gap.
    province.restore(province_at_3.path());
    let held = province.import(&x2);
    assert_eq!(held.result, "gap");
    assert!(held.message.contains("第 4–5 条"), "{}", held.message);
    assert_eq!(province.channel(&city).in_applied, 3);
    let filled = province.import(&x1);
    assert_eq!(filled.result, "applied");
    assert_eq!(province.channel(&city).in_applied, 6, "the held bundle was applied once the gap was filled");

    // The city is restored from before any event and numbers different events 1..3: a fork.
    city.restore(city_before.path());
    city.append(&province, 3, "forged");
    let outcome = province.import(&city.export(&province));
    assert_eq!(outcome.result, "refused");
    assert!(outcome.message.contains("分叉"), "{}", outcome.message);
    assert_eq!(province.channel(&city).in_applied, 6);
}

#[test]
fn the_command_line_exports_inspects_and_imports_bundle_files() {
    const BIN: &str = env!("CARGO_BIN_EXE_gongwucang");
    let run = |args: &[&str]| std::process::Command::new(BIN).args(args).env("RUST_LOG", "warn").output().unwrap();
    let (city, province) = pair();
    city.append(&province, 2, "a");
    let (city_id, province_id) = (city.id(), province.id());
    // Close the databases (the CLI opens them) but keep the folders.
    let (Node { dir: city_dir, store: city_store }, Node { dir: province_dir, store: province_store }) =
        (city, province);
    drop((city_store, province_store));
    let (city_dir, province_dir) = (city_dir.path().to_owned(), province_dir.path().to_owned());
    let file = city_dir.join("to-province.gwcb");
    let f = file.to_str().unwrap();
    let out = run(&["bundle", "export", "--data", city_dir.to_str().unwrap(), "--to", &province_id, "--out", f]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = run(&["bundle", "inspect", f, "--data", province_dir.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains(&city_id) && text.contains("签名：有效") && text.contains("其他（listing_published）：2 条"),
        "{text}"
    );

    let out = run(&["bundle", "import", "--data", province_dir.to_str().unwrap(), f]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("共 2 条"), "{out:?}");
    let out = run(&["bundle", "import", "--data", province_dir.to_str().unwrap(), f]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("已导入"), "{out:?}");

    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&file, &bytes).unwrap();
    let out = run(&["bundle", "import", "--data", province_dir.to_str().unwrap(), f]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("已拒绝"), "{out:?}");
}
