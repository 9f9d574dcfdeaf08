//! Asset cards and their photos (stored once by content hash).

use redb::ReadableTable;

use crate::domain::DomainError;
use crate::domain::card::AssetCard;

use super::tables::{CARD_CODES, CARDS, PHOTOS};
use super::{Read, Result, Rx, Tx};

/// Inserts a new card; its asset code must be free within the unit.
pub fn insert(tx: &Tx, card: &AssetCard) -> Result<()> {
    let key = format!("{}/{}", card.unit_id, card.asset_code);
    if tx.lookup(CARD_CODES, &key)?.is_some() {
        return Err(DomainError::conflict(format!("资产编号 {} 已存在", card.asset_code)).into());
    }
    tx.index(CARD_CODES, &key, &card.id)?;
    tx.put(CARDS, &card.id, card)
}

/// Every card, in id order.
pub fn all(r: &impl Read) -> Result<Vec<AssetCard>> {
    r.scan(CARDS)
}

/// Stores a photo under its content hash (once).
pub fn put_photo(tx: &Tx, hash: &str, bytes: &[u8]) -> Result<()> {
    let mut table = tx.raw().open_table(PHOTOS)?;
    if table.get(hash)?.is_none() {
        table.insert(hash, bytes)?;
    }
    Ok(())
}

/// A photo's bytes by content hash.
pub fn photo(r: &Rx, hash: &str) -> Result<Option<Vec<u8>>> {
    Ok(r.raw().open_table(PHOTOS)?.get(hash)?.map(|v| v.value().to_vec()))
}
