//! The spec's XML from the JSON we answer with (its "Spark convention" read backwards): a
//! list is an element named in the plural holding one element per item, named in the
//! singular; an object's fields are elements, in the order of their names; a null is an empty
//! element. Both formats so carry the same data by construction.

use serde_json::Value;

/// The XML document of `value` under the element `root`.
pub fn xml(root: &str, value: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    element(&mut out, root, value);
    out
}

/// The element each item of a list named `plural` is written in.
fn singular(plural: &str) -> &str {
    match plural {
        "services" => "service",
        "service_requests" => "request",
        "errors" => "error",
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

fn element(out: &mut String, name: &str, value: &Value) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => escape(out, s),
        Value::Array(items) => {
            let item = singular(name);
            for v in items {
                element(out, item, v);
            }
        }
        Value::Object(fields) => {
            for (k, v) in fields {
                element(out, k, v);
            }
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry are left out.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::xml;
    use serde_json::json;

    #[test]
    fn lists_are_plural_elements_of_singular_items() {
        let doc = xml(
            "service_requests",
            &json!([{ "service_request_id": "M-2026-000001", "lat": null, "notes": "a < b & \"c\"" }]),
        );
        assert_eq!(
            doc,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request><lat></lat>\
             <notes>a &lt; b &amp; &quot;c&quot;</notes><service_request_id>M-2026-000001</service_request_id></request></service_requests>"
        );
        let definition = xml(
            "service_definition",
            &json!({ "attributes": [{ "values": [{ "key": "a" }], "required": false }] }),
        );
        assert!(definition.contains("<attributes><attribute><required>false</required><values><value><key>a</key></value></values></attribute></attributes>"));
    }
}
