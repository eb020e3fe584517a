//! A minimal S3 client: PUT and GET of whole objects, path-style addressing, requests signed
//! with AWS Signature Version 4. Enough for any S3-compatible store (AWS, MinIO, Ceph, Yandex
//! Object Storage) without pulling in an SDK.

use crate::{Error, Result};
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct Bucket {
    /// `https://s3.example.uz` or `http://127.0.0.1:9000`, without the bucket.
    pub endpoint: String,
    pub region: String,
    pub name: String,
    pub access_key: String,
    pub secret_key: String,
    pub client: reqwest::Client,
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bucket")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// What a SigV4 signature covers.
pub struct Request<'a> {
    pub method: &'a str,
    /// The URI-encoded path, `/bucket/key`.
    pub path: &'a str,
    /// Headers to sign, names in lower case, sorted by name; `host`, `x-amz-content-sha256`
    /// and `x-amz-date` among them.
    pub headers: &'a [(&'a str, &'a str)],
    pub payload_sha256: &'a str,
    /// `20130524T000000Z`.
    pub amz_date: &'a str,
}

/// The `Authorization` header value for a request (no query string).
pub fn authorization(req: &Request, region: &str, access_key: &str, secret_key: &str) -> String {
    let canonical_headers: String = req
        .headers
        .iter()
        .map(|(name, value)| format!("{name}:{}\n", value.trim()))
        .collect();
    let signed_headers = req
        .headers
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(";");
    let canonical = format!(
        "{}\n{}\n\n{canonical_headers}\n{signed_headers}\n{}",
        req.method, req.path, req.payload_sha256
    );
    let date = &req.amz_date[..8];
    let scope = format!("{date}/{region}/s3/aws4_request");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        req.amz_date,
        sha256_hex(canonical.as_bytes())
    );
    let key = hmac(format!("AWS4{secret_key}").as_bytes(), date);
    let key = hmac(&key, region);
    let key = hmac(&key, "s3");
    let key = hmac(&key, "aws4_request");
    let signature = hex(&hmac(&key, &to_sign));
    format!(
        "AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

impl Bucket {
    pub fn new(
        endpoint: &str,
        region: &str,
        name: &str,
        access_key: &str,
        secret_key: &str,
        outbound: &crate::outbound::Outbound,
    ) -> Bucket {
        Bucket {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            region: region.to_string(),
            name: name.to_string(),
            access_key: access_key.to_string(),
            secret_key: secret_key.to_string(),
            client: outbound.client(std::time::Duration::from_secs(30)),
        }
    }

    fn request(&self, method: reqwest::Method, key: &str, body: &[u8]) -> reqwest::RequestBuilder {
        let path = format!("/{}/{key}", self.name);
        let url = format!("{}{path}", self.endpoint.trim_end_matches('/'));
        let host = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default()
            .to_string();
        let payload = sha256_hex(body);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default();
        let amz_date = shared::time::utc_compact(now);
        let headers = [
            ("host", host.as_str()),
            ("x-amz-content-sha256", payload.as_str()),
            ("x-amz-date", amz_date.as_str()),
        ];
        let auth = authorization(
            &Request {
                method: method.as_str(),
                path: &path,
                headers: &headers,
                payload_sha256: &payload,
                amz_date: &amz_date,
            },
            &self.region,
            &self.access_key,
            &self.secret_key,
        );
        self.client
            .request(method, url)
            .header("x-amz-content-sha256", payload)
            .header("x-amz-date", amz_date)
            .header("authorization", auth)
    }

    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let response = self
            .request(reqwest::Method::PUT, key, bytes)
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec())
            .send()
            .await
            .map_err(|e| Error::Storage(format!("S3 PUT: {e}")))?;
        if !response.status().is_success() {
            return Err(Error::Storage(format!("S3 PUT answered {}", response.status())));
        }
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let response = self
            .request(reqwest::Method::GET, key, b"")
            .send()
            .await
            .map_err(|e| Error::Storage(format!("S3 GET: {e}")))?;
        match response.status() {
            s if s.is_success() => Ok(Some(
                response
                    .bytes()
                    .await
                    .map_err(|e| Error::Storage(format!("S3 GET: {e}")))?
                    .to_vec(),
            )),
            reqwest::StatusCode::NOT_FOUND => Ok(None),
            s => Err(Error::Storage(format!("S3 GET answered {s}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The "GET Object" example of the AWS SigV4 documentation for S3
    /// (examplebucket, a Range header, 24 May 2013).
    #[test]
    fn the_signature_matches_the_aws_documentation_example() {
        let empty = sha256_hex(b"");
        let auth = authorization(
            &Request {
                method: "GET",
                path: "/test.txt",
                headers: &[
                    ("host", "examplebucket.s3.amazonaws.com"),
                    ("range", "bytes=0-9"),
                    ("x-amz-content-sha256", &empty),
                    ("x-amz-date", "20130524T000000Z"),
                ],
                payload_sha256: &empty,
                amz_date: "20130524T000000Z",
            },
            "us-east-1",
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        );
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }
}
