//! Addresses we build: query values percent-encoded (everything but the unreserved
//! characters, by the `percent-encoding` crate), and the place a sign-in returns to.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 3986's unreserved characters stay as they are.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// Where a sign-in may return to: a path on this site (`/appeals/new?x=1`), never another
/// site (`//evil.example`, `https://…`, `/\\evil`), nor anything long or strange.
pub fn local_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 512
        && next.bytes().all(|b| b.is_ascii_graphic());
    ok.then_some(next)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_sign_in_returns_only_to_a_path_of_this_site() {
        use super::local_path;
        assert_eq!(local_path("/appeals/new"), Some("/appeals/new"));
        assert_eq!(local_path("/desk?mine=1"), Some("/desk?mine=1"));
        for bad in [
            "",
            "appeals",
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example",
            "/a b",
            "/\u{7f}",
        ] {
            assert_eq!(local_path(bad), None, "{bad}");
        }
        assert_eq!(local_path(&format!("/{}", "a".repeat(600))), None);
    }

    #[test]
    fn unreserved_characters_stay_and_the_rest_is_encoded_as_utf8() {
        assert_eq!(super::encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(super::encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(super::encode("Oʻzbek"), "O%CA%BBzbek");
    }
}
