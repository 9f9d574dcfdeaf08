//! `serve --tls`: a city node serving its LAN answers HTTPS only, with the node's self-signed
//! certificate (made at `init`) or one given on the command line; the fingerprint it prints and
//! shows on 节点信息 is the certificate the client really gets; the session cookie is `Secure`.

use std::process::Command;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use tokio_rustls::rustls::crypto::{self, CryptoProvider};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{self, ClientConfig, DigitallySignedStruct, SignatureScheme};

use crate::cli;

const BIN: &str = env!("CARGO_BIN_EXE_gongwucang");

/// Accepts exactly the certificate with this SHA-256 fingerprint — what a user does on the LAN
/// after comparing the fingerprint with 节点信息.
#[derive(Debug)]
struct Pinned {
    fingerprint: String,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if gongwucang::tls::fingerprint(end_entity) == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("another certificate".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// One HTTP/1.1 request over TLS to `url`'s address, trusting only `fingerprint`; the whole
/// answer (head and body) as text.
async fn https(url: &str, fingerprint: &str, request: &str) -> Result<String, String> {
    let addr = url.trim_start_matches("https://").trim_end_matches('/');
    let provider = Arc::new(crypto::ring::default_provider());
    let pinned = Pinned { fingerprint: fingerprint.to_owned(), provider: provider.clone() };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(pinned))
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let mut tls =
        connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await.map_err(|e| e.to_string())?;
    let request = request.replace("{host}", addr);
    tls.write_all(request.as_bytes()).await.map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {{host}}\r\nConnection: close\r\n\r\n")
}

/// Starts `serve --tls …` and returns the process and its https URL.
fn serve_tls(dir: &str, extra: &[&str]) -> (std::process::Child, String) {
    let mut command = Command::new(BIN);
    command.args(["serve", "--data", dir, "--listen", "127.0.0.1:0", "--tls"]).args(extra);
    let (child, url, _) = cli::start_until_url(command);
    assert!(url.starts_with("https://"), "{url}");
    (child, url)
}

/// The SHA-256 fingerprint of a PEM certificate file.
fn fingerprint_of_file(path: &std::path::Path) -> String {
    let pem = std::fs::read(path).expect("certificate file");
    let der: CertificateDer<'static> = rustls::pki_types::pem::PemObject::from_pem_slice(&pem).unwrap();
    gongwucang::tls::fingerprint(&der)
}

fn fingerprint_of(body: &str) -> String {
    let json = &body[body.find("\r\n\r\n").expect("a body") + 4..];
    let start = json.find('{').expect("json");
    let value: serde_json::Value = serde_json::from_str(json[start..].trim_end_matches(['\r', '\n', '0'])).unwrap();
    value["https"]["fingerprint"].as_str().expect("https.fingerprint").to_owned()
}

#[tokio::test]
async fn serve_tls_answers_https_with_the_node_s_own_certificate_and_nothing_in_clear_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    assert!(cli::init(path).status.success());
    assert!(dir.path().join("tls/cert.pem").exists(), "init made the node's certificate");
    let own = fingerprint_of_file(&dir.path().join("tls/cert.pem"));

    let (mut child, url) = serve_tls(path, &[]);
    // The client trusts exactly the fingerprint of the certificate init made, and gets it.
    let answer = https(&url, &own, &get("/api/v1/node")).await.expect("TLS with the pinned certificate");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(fingerprint_of(&answer), own, "节点信息 shows the certificate served");
    assert!(answer.contains("\"self_signed\":true"), "{answer}");
    // Another certificate is not what the server presents.
    let wrong = "00:".repeat(31) + "00";
    assert!(https(&url, &wrong, &get("/api/v1/node")).await.is_err(), "a client pinning another certificate refuses");

    // The login's cookie is Secure: the browser never sends it over plain HTTP.
    let body = r#"{"username":"admin","password":"Admin12345"}"#;
    let login = format!(
        "POST /api/v1/login HTTP/1.1\r\nHost: {{host}}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = https(&url, &own, &login).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let cookie = answer.lines().find(|l| l.to_ascii_lowercase().starts_with("set-cookie:")).expect("a cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");

    // Plain HTTP on the same port gets no HTTP answer: nothing crosses in clear text.
    let addr = url.trim_start_matches("https://").trim_end_matches('/');
    let mut plain = tokio::net::TcpStream::connect(addr).await.unwrap();
    plain.write_all(b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}").await.unwrap();
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), plain.read_to_end(&mut reply)).await;
    assert!(!String::from_utf8_lossy(&reply).starts_with("HTTP/"), "plain HTTP was answered");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn serve_tls_uses_a_given_certificate_and_explains_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    assert!(cli::init(path).status.success());
    // A certificate from elsewhere (e.g. the bureau's intranet CA): made here in another folder.
    let other = tempfile::tempdir().unwrap();
    let given = gongwucang::tls::ensure_own(other.path(), "内网证书", &[]).unwrap();
    let expected = fingerprint_of_file(&given.cert);
    let (cert, key) = (given.cert.to_str().unwrap(), given.key.to_str().unwrap());
    let (mut child, url) = serve_tls(path, &["--tls-cert", cert, "--tls-key", key]);
    let answer = https(&url, &expected, &get("/api/v1/node")).await.expect("the given certificate is served");
    assert_eq!(fingerprint_of(&answer), expected);
    assert!(answer.contains("\"self_signed\":false"), "{answer}");
    child.kill().unwrap();
    child.wait().unwrap();

    // A key that is not a key: refused at start, in Chinese, naming the file.
    let output = Command::new(BIN)
        .args(["serve", "--data", path, "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", cert])
        .env("GONGWUCANG_NO_BROWSER", "1")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("私钥文件") && stderr.contains("cert.pem"), "{stderr}");
}

#[test]
fn serve_tls_refuses_a_node_that_is_not_initialised_yet() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args(["serve", "--data", dir.path().to_str().unwrap(), "--listen", "127.0.0.1:0", "--tls"])
        .env("GONGWUCANG_NO_BROWSER", "1")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("尚未初始化") && stderr.contains("本机"), "{stderr}");
}

#[tokio::test]
async fn a_lan_address_goes_into_a_new_self_signed_certificate_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    assert!(cli::init(path).status.success());
    let cert = dir.path().join("tls/cert.pem");
    let made_at_init = fingerprint_of_file(&cert);

    // The address the units type is not in the certificate made at init: a new one names it.
    let (mut child, url) = serve_tls(path, &["--tls-name", "192.168.1.20", "--tls-name", "gwc.czj.local"]);
    let renewed = fingerprint_of_file(&cert);
    assert_ne!(renewed, made_at_init);
    let answer = https(&url, &renewed, &get("/api/v1/node")).await.expect("the renewed certificate is served");
    assert_eq!(fingerprint_of(&answer), renewed);
    let names = std::fs::read_to_string(dir.path().join("tls/names.txt")).unwrap();
    assert_eq!(names.lines().collect::<Vec<_>>(), ["localhost", "127.0.0.1", "192.168.1.20", "gwc.czj.local"]);
    child.kill().unwrap();
    child.wait().unwrap();

    // The same names again: the same certificate, the fingerprint the users already checked.
    let (mut child, url) = serve_tls(path, &["--tls-name", "192.168.1.20"]);
    assert_eq!(fingerprint_of_file(&cert), renewed);
    assert!(https(&url, &renewed, &get("/api/v1/node")).await.is_ok());
    child.kill().unwrap();
    child.wait().unwrap();
}
