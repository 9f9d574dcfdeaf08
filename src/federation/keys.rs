//! The node's ed25519 key pair: `node.key` (the secret seed, hex, readable by the owner only) and
//! `node.pub` (the public key, hex) in the data folder. The public key is also stored in the
//! database at initialisation, so a start with a changed key file is refused.

use std::fs;
use std::path::Path;

use ed25519_dalek::SigningKey;
use thiserror::Error;

use crate::platform;

/// The private key file.
pub const PRIVATE_KEY_FILE: &str = "node.key";
/// The public key file.
pub const PUBLIC_KEY_FILE: &str = "node.pub";

/// Key file problems, with the way out in the message.
#[derive(Debug, Error)]
pub enum KeyError {
    /// The system's random source failed.
    #[error("无法生成密钥：系统随机数不可用（{0}）")]
    Random(String),
    /// A file could not be read or written.
    #[error("密钥文件 {path} 无法读写：{source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a key.
    #[error("密钥文件 {0} 内容无效：应为 64 位十六进制数字")]
    Malformed(String),
    /// The key differs from the one recorded at initialisation.
    #[error(
        "数据目录中的节点密钥与初始化时记录的不一致（{0}）。若密钥文件被误替换，请从备份恢复原来的 node.key；若确需更换密钥，须在上级节点重新登记本节点公钥后再启动。"
    )]
    Changed(String),
}

/// A fresh key pair from the operating system's random source.
pub fn generate() -> Result<SigningKey, KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Writes both key files; the private one readable by the owner only.
pub fn write(data_dir: &Path, key: &SigningKey) -> Result<(), KeyError> {
    let private = data_dir.join(PRIVATE_KEY_FILE);
    platform::write_private_file(&private, hex::encode(key.to_bytes()).as_bytes())
        .map_err(|source| KeyError::Io { path: private.display().to_string(), source })?;
    let public = data_dir.join(PUBLIC_KEY_FILE);
    fs::write(&public, hex::encode(key.verifying_key().to_bytes()))
        .map_err(|source| KeyError::Io { path: public.display().to_string(), source })
}

/// Reads the private key file.
pub fn load(data_dir: &Path) -> Result<SigningKey, KeyError> {
    let path = data_dir.join(PRIVATE_KEY_FILE);
    let text = fs::read_to_string(&path).map_err(|source| KeyError::Io { path: path.display().to_string(), source })?;
    let bytes = hex::decode(text.trim()).map_err(|_| KeyError::Malformed(path.display().to_string()))?;
    let seed: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Malformed(path.display().to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Loads the key and checks it is the one recorded at initialisation (`public_key_hex`).
pub fn load_checked(data_dir: &Path, public_key_hex: &str) -> Result<SigningKey, KeyError> {
    let key = load(data_dir)?;
    if hex::encode(key.verifying_key().to_bytes()) != public_key_hex {
        return Err(KeyError::Changed(data_dir.join(PRIVATE_KEY_FILE).display().to_string()));
    }
    Ok(key)
}

#[cfg(test)]
mod tests;
