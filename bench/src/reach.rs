//! SPEC §7 in SQL: the visibility rule of `domain::listing::scope_visible` for one viewer, as one
//! condition (for a page, walked newest first) and as disjoint parts that add up to it, each one
//! index range (for a total: one OR over the whole rule makes SQLite scan every row to count).

use gongwucang::domain::listing::Viewer;
use gongwucang::domain::region::RegionLevel;
use gongwucang::domain::user::Role;
use rusqlite::types::Value;

/// A SQL condition and its arguments.
pub type Condition = (String, Vec<Value>);

/// SPEC §7 for one viewer (`domain::listing::scope_visible`), in parts: what the viewer sees
/// whatever the scope (its own unit's listings, an authority's region), and per scope what that
/// scope adds.
pub struct Reach {
    everything: bool,
    always: Vec<Condition>,
    by_scope: [Option<Condition>; 5],
}

/// A text argument.
pub fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

impl Reach {
    /// The rule's parts for `viewer`.
    pub fn of(viewer: &Viewer) -> Self {
        let mut reach = Reach { everything: false, always: Vec::new(), by_scope: Default::default() };
        if let Some(unit) = &viewer.unit_id {
            reach.always.push(("unit_id = ?".to_owned(), vec![text(unit)]));
        }
        let v = viewer.region.as_str();
        match viewer.role {
            Role::Admin => return reach,
            Role::Authority | Role::Province | Role::National => match viewer.region.level() {
                RegionLevel::National => return Reach { everything: true, ..reach },
                level => reach.always.push(within(level, v)),
            },
            Role::Clerk | Role::Reviewer => {}
        }
        reach.by_scope = [
            viewer
                .department
                .as_ref()
                .map(|d| ("city = ? AND department = ?".to_owned(), vec![text(&v[..4]), text(d)])),
            Some(("region = ?".to_owned(), vec![text(v)])),
            Some(("city = ?".to_owned(), vec![text(&v[..4])])),
            Some(("province = ?".to_owned(), vec![text(&v[..2])])),
            Some(("1".to_owned(), Vec::new())),
        ];
        reach
    }

    /// The whole rule as one condition.
    pub fn condition(&self, args: &mut Vec<Value>) -> String {
        if self.everything {
            return "1".to_owned();
        }
        let mut arms = Vec::new();
        for (sql, values) in &self.always {
            arms.push(sql.clone());
            args.extend(values.iter().cloned());
        }
        for (scope, arm) in self.by_scope.iter().enumerate() {
            if let Some((sql, values)) = arm {
                arms.push(format!("(scope = {scope} AND {sql})"));
                args.extend(values.iter().cloned());
            }
        }
        if arms.is_empty() { "0".to_owned() } else { format!("({})", arms.join(" OR ")) }
    }

    /// The rule as disjoint parts that add up to it, each one index range: per scope what that
    /// scope shows, then the viewer's own listings the scopes do not show, then the rest of an
    /// authority's region. (One OR over the whole rule makes SQLite scan every row to count.)
    pub fn parts(&self) -> Vec<Condition> {
        if self.everything {
            return vec![("1".to_owned(), Vec::new())];
        }
        let mut parts = Vec::new();
        let mut shown = Vec::new();
        let mut shown_args = Vec::new();
        for (scope, arm) in self.by_scope.iter().enumerate() {
            if let Some((sql, values)) = arm {
                let part = if sql == "1" { format!("scope = {scope}") } else { format!("scope = {scope} AND {sql}") };
                shown.push(format!("({part})"));
                shown_args.extend(values.iter().cloned());
                parts.push((part, values.clone()));
            }
        }
        for (sql, values) in &self.always {
            let mut args = values.clone();
            let mut part = sql.clone();
            if !shown.is_empty() {
                part.push_str(&format!(" AND NOT ({})", shown.join(" OR ")));
                args.extend(shown_args.iter().cloned());
            }
            parts.push((part, args));
            shown.push(format!("({sql})"));
            shown_args.extend(values.iter().cloned());
        }
        parts
    }
}

/// `RegionCode::contains` for a region of `level`.
pub fn within(level: RegionLevel, code: &str) -> Condition {
    let (column, value) = match level {
        RegionLevel::National => return ("1".to_owned(), Vec::new()),
        RegionLevel::Province => ("province", &code[..2]),
        RegionLevel::City => ("city", &code[..4]),
        RegionLevel::County => ("region", code),
    };
    (format!("{column} = ?"), vec![text(value)])
}
