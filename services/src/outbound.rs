//! Outbound HTTP: every client that leaves this machine (the SMS gateway, the object store, a
//! card processor) is made here, over rustls with the system's certificate authorities, plus
//! the ones in `tls_ca_file` when an operator (or a test) names a private CA.

use std::time::Duration;

/// How outbound clients are made; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Outbound {
    extra_roots: Vec<reqwest::Certificate>,
    /// The same authorities as PEM blocks, for clients that take them so (the object store).
    extra_pem: Vec<Vec<u8>>,
}

impl Outbound {
    /// The system's roots and every certificate in `pem` (one or more PEM blocks).
    pub fn with_roots_pem(pem: &[u8]) -> Result<Outbound, String> {
        let extra_roots = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| e.to_string())?;
        if extra_roots.is_empty() {
            return Err("no PEM certificate in it".into());
        }
        let text = String::from_utf8_lossy(pem);
        let extra_pem = text
            .split_inclusive("-----END CERTIFICATE-----")
            .filter(|block| block.contains("-----BEGIN CERTIFICATE-----"))
            .map(|block| block.trim_start().as_bytes().to_vec())
            .collect();
        Ok(Outbound {
            extra_roots,
            extra_pem,
        })
    }

    /// The extra authorities, one PEM block each.
    pub fn extra_roots_pem(&self) -> &[Vec<u8>] {
        &self.extra_pem
    }

    /// A client that gives up on a request after `timeout`.
    pub fn client(&self, timeout: Duration) -> reqwest::Client {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_native_certs(true)
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .timeout(timeout);
        for root in &self.extra_roots {
            builder = builder.add_root_certificate(root.clone());
        }
        builder.build().expect("an HTTP client with rustls builds")
    }
}
