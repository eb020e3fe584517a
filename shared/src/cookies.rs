//! Cookie names and the parsing of a `Cookie` header: pure string work, used by the server
//! routes, the server functions and the locale choice alike.

/// The session cookie: an opaque random token; the server stores only its hash.
pub const SESSION: &str = "fuqaro_session";
/// The number a sign-in code was sent to, kept between the two sign-in steps.
pub const SIGN_IN_PHONE: &str = "fuqaro_signin";
/// The page a sign-in was asked for from, kept between the two sign-in steps.
pub const SIGN_IN_NEXT: &str = "fuqaro_next";
/// Finds what this browser typed into a form the server refused (services::kept).
pub const KEPT: &str = "fuqaro_kept";

/// The value of cookie `name` in `Cookie` header values.
pub fn value<'a>(headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    headers
        .into_iter()
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`, Secure outside plain-http development.
pub fn set(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age_seconds}; SameSite=Lax; HttpOnly{secure}")
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cookie_among_several_headers() {
        let headers = ["a=1; lang=ru", "fuqaro_session=abc; z=2"];
        assert_eq!(value(headers, "lang"), Some("ru"));
        assert_eq!(value(headers, SESSION), Some("abc"));
        assert_eq!(value(headers, "missing"), None);
        assert_eq!(value(["lang="], "lang"), None);
    }

    #[test]
    fn set_cookie_values_are_locked_down() {
        assert_eq!(
            set("a", "b", 60, true),
            "a=b; Path=/; Max-Age=60; SameSite=Lax; HttpOnly; Secure"
        );
        assert_eq!(clear("a", false), "a=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly");
    }
}
