//! An S3-compatible bucket (AWS, MinIO, Ceph, Yandex Object Storage) through `object_store`,
//! Apache Arrow's client: path-style addressing, SigV4, retries with backoff. Tested against
//! moto's S3 server (a third party's implementation, which checks our signatures).

use crate::{Error, Result};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ClientOptions, ObjectStore, PutPayload};
use std::sync::Arc;

#[derive(Clone)]
pub struct Bucket {
    endpoint: String,
    name: String,
    store: Arc<AmazonS3>,
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bucket")
            .field("endpoint", &self.endpoint)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Bucket {
    /// A bucket at `endpoint` (`https://s3.example.uz`, without the bucket). Plain http is
    /// allowed only when the endpoint says so (development and tests; production refuses it).
    pub fn new(
        endpoint: &str,
        region: &str,
        name: &str,
        access_key: &str,
        secret_key: &str,
        outbound: &crate::outbound::Outbound,
    ) -> Result<Bucket> {
        let endpoint = endpoint.trim_end_matches('/').to_string();
        let mut options = ClientOptions::new()
            .with_allow_http(endpoint.starts_with("http://"))
            .with_timeout(std::time::Duration::from_secs(30))
            .with_connect_timeout(std::time::Duration::from_secs(5));
        for pem in outbound.extra_roots_pem() {
            let certificate = object_store::Certificate::from_pem(pem)
                .map_err(|e| Error::Storage(format!("tls_ca_file: {e}")))?;
            options = options.with_root_certificate(certificate);
        }
        let store = AmazonS3Builder::new()
            .with_endpoint(&endpoint)
            .with_region(region)
            .with_bucket_name(name)
            .with_access_key_id(access_key)
            .with_secret_access_key(secret_key)
            .with_virtual_hosted_style_request(false)
            .with_client_options(options)
            .build()
            .map_err(|e| Error::Storage(format!("the S3 bucket's settings: {e}")))?;
        Ok(Bucket {
            endpoint,
            name: name.to_string(),
            store: Arc::new(store),
        })
    }

    /// Stores an object, replacing any under the same key (keys are content addresses, so a
    /// replacement holds the same bytes).
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        self.store
            .put(&Path::from(key), PutPayload::from(bytes.to_vec()))
            .await
            .map_err(|e| Error::Storage(format!("S3 PUT {key}: {e}")))?;
        Ok(())
    }

    /// An object's bytes, or `None` when there is none under the key.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        match self.store.get(&Path::from(key)).await {
            Ok(object) => Ok(Some(
                object
                    .bytes()
                    .await
                    .map_err(|e| Error::Storage(format!("S3 GET {key}: {e}")))?
                    .to_vec(),
            )),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(Error::Storage(format!("S3 GET {key}: {e}"))),
        }
    }
}
