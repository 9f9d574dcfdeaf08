//! The one value codec: records are JSON (serde). JSON is self-describing, so fields added by a
//! later release decode from today's files with `#[serde(default)]`; structural changes go through
//! a migration in [`super::schema`].

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;

/// Encodes a record.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Corrupt(format!("无法编码记录：{e}")))
}

/// Decodes a record; a record that does not decode is reported, never panicked on.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(format!("数据库记录无法解码：{e}")))
}
