//! Location trees (存放地点), one per unit.

use crate::domain::DomainError;
use crate::domain::location::{Location, LocationLevel, LocationTree};

use super::tables::LOCATIONS;
use super::{Read, Result, Tx};

/// A unit's whole tree.
pub fn tree(r: &impl Read, unit_id: &str) -> Result<LocationTree> {
    let all: Vec<Location> = r.scan(LOCATIONS)?;
    Ok(LocationTree::new(all.into_iter().filter(|l| l.unit_id == unit_id)))
}

/// A node by id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<Location>> {
    r.get(LOCATIONS, id)
}

/// Stores a node.
pub fn put(tx: &Tx, location: &Location) -> Result<()> {
    tx.put(LOCATIONS, &location.id, location)
}

/// Removes a node.
pub fn remove(tx: &Tx, id: &str) -> Result<()> {
    tx.raw().open_table(LOCATIONS)?.remove(id)?;
    Ok(())
}

/// Finds the node at `names` (compound first) in the tree, creating the missing levels; returns
/// its id and how many nodes were created. At most four names.
pub fn find_or_create(
    tx: &Tx,
    tree: &mut LocationTree,
    unit_id: &str,
    names: &[String],
) -> Result<(Option<String>, usize)> {
    let mut parent: Option<String> = None;
    let mut created = 0;
    for (depth, name) in names.iter().take(4).enumerate() {
        let found = tree.find_child(unit_id, parent.as_deref(), name).map(|l| l.id.clone());
        let id = match found {
            Some(id) => id,
            None => {
                let level =
                    LocationLevel::at_depth(depth + 1).ok_or_else(|| DomainError::invalid("存放地点层级过多"))?;
                let location = Location {
                    id: tx.next_id("l")?,
                    unit_id: unit_id.to_owned(),
                    parent_id: parent.clone(),
                    level,
                    name: name.clone(),
                };
                put(tx, &location)?;
                let id = location.id.clone();
                tree.insert(location);
                created += 1;
                id
            }
        };
        parent = Some(id);
    }
    Ok((parent, created))
}
