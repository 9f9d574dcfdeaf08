//! HTTPS for a node that serves the units of its city over the office LAN (`serve --tls`):
//! the certificate and key given on the command line, or the node's own self-signed certificate,
//! made at `init` in `数据目录/tls/`, whose SHA-256 fingerprint the admin reads on 节点信息 and
//! compares with what the browser shows before trusting it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

/// The folder of the node's own certificate, inside the data folder.
pub const DIR: &str = "tls";
const CERT: &str = "cert.pem";
const KEY: &str = "key.pem";
const NAMES: &str = "names.txt";

/// Where the certificate chain and the key come from.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// PEM certificate chain, the server's first.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
    /// Made by this node (`init`), not given by an administrator.
    pub self_signed: bool,
}

/// What 节点信息 shows of the HTTPS in use.
#[derive(Debug, Clone)]
pub struct TlsInfo {
    /// SHA-256 of the server certificate (DER), as browsers show it: `AB:CD:…`.
    pub fingerprint: String,
    /// The node's own certificate rather than one given with `--tls-cert`.
    pub self_signed: bool,
}

/// The node's own certificate files in `data_dir`.
pub fn own(data_dir: &Path) -> TlsFiles {
    let dir = data_dir.join(DIR);
    TlsFiles { cert: dir.join(CERT), key: dir.join(KEY), self_signed: true }
}

/// Makes the node's self-signed certificate unless a usable one exists for `names` (at `init`,
/// the first-run wizard and `serve --tls`). It always names `localhost` and `127.0.0.1`; `names`
/// adds the addresses and host names the units' browsers use on the LAN (the listen address,
/// `--tls-name`), kept in `tls/names.txt` — a name not yet in the certificate makes a new one,
/// with a new fingerprint. Browsers warn about it in any case (no CA knows it): the fingerprint is
/// what the user checks, and once trusted it also matches the address typed.
pub fn ensure_own(data_dir: &Path, node_name: &str, names: &[String]) -> anyhow::Result<TlsFiles> {
    let files = own(data_dir);
    let names_file = data_dir.join(DIR).join(NAMES);
    let mut wanted = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    for name in names {
        if !wanted.contains(name) {
            wanted.push(name.clone());
        }
    }
    let covered = std::fs::read_to_string(&names_file).unwrap_or_default();
    let covered: Vec<&str> = covered.lines().collect();
    if wanted.iter().all(|n| covered.contains(&n.as_str())) && load(&files).is_ok() {
        return Ok(files);
    }
    let mut params = rcgen::CertificateParams::new(wanted.clone()).context("无法生成 HTTPS 证书（访问地址无效）")?;
    params.distinguished_name.push(rcgen::DnType::CommonName, format!("公物仓 {node_name}"));
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(3650);
    let key = rcgen::KeyPair::generate().context("无法生成 HTTPS 证书的密钥")?;
    let cert = params.self_signed(&key).context("无法生成 HTTPS 证书")?;
    let dir = data_dir.join(DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("无法创建 {}", dir.display()))?;
    // The key first, the names last: an interrupted write leaves files that do not load or names
    // not covered, and the next start makes the certificate again.
    crate::platform::write_private_file(&files.key, key.serialize_pem().as_bytes())
        .with_context(|| format!("无法写入 {}", files.key.display()))?;
    std::fs::write(&files.cert, cert.pem()).with_context(|| format!("无法写入 {}", files.cert.display()))?;
    std::fs::write(&names_file, wanted.join("\n")).with_context(|| format!("无法写入 {}", names_file.display()))?;
    Ok(files)
}

/// The rustls server configuration for `files`, and what 节点信息 shows of it. Every error
/// names the file and what is wrong with it, in Chinese.
pub fn load(files: &TlsFiles) -> anyhow::Result<(Arc<rustls::ServerConfig>, TlsInfo)> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|certs| certs.collect())
        .map_err(|e| anyhow::anyhow!("无法读取证书文件 {}：{e}", files.cert.display()))?;
    let Some(first) = certs.first() else {
        anyhow::bail!(
            "证书文件 {} 中没有证书（应为 PEM 格式，以 -----BEGIN CERTIFICATE----- 开头）",
            files.cert.display()
        );
    };
    let info = TlsInfo { fingerprint: fingerprint(first), self_signed: files.self_signed };
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| anyhow::anyhow!("无法读取私钥文件 {}（应为 PEM 格式）：{e}", files.key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS 设置无效")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            anyhow::anyhow!("证书与私钥不匹配或无法使用（{}、{}）：{e}", files.cert.display(), files.key.display())
        })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok((Arc::new(config), info))
}

/// SHA-256 of a certificate, upper-case hex in pairs joined by colons.
pub fn fingerprint(cert: &[u8]) -> String {
    Sha256::digest(cert).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}
