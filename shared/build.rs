//! Compiles shared/locales/{uz,uz-Cyrl,ru}.txt — every string a person reads, on a page or in
//! an SMS — into string tables, one per language: page strings into a `Key` enum
//! (`i18n_keys.rs`, compiled for the browser and the server), SMS texts (keys under `sms.`)
//! into an `Sms` enum (`i18n_sms.rs`, compiled for the server only, so they cost the browser
//! nothing). The build fails, naming the keys, when a key or a `{placeholder}` is missing in
//! any language, so an untranslated string can never ship.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

const LOCALES: [&str; 3] = ["uz", "uz-Cyrl", "ru"];

fn main() {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let tables: Vec<BTreeMap<String, String>> = LOCALES
        .iter()
        .map(|tag| {
            let path = dir.join(format!("{tag}.txt"));
            println!("cargo:rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect();

    let problems = check(&tables);
    if !problems.is_empty() {
        panic!("translations are incomplete:\n  {}", problems.join("\n  "));
    }

    let out_dir = Path::new(&std::env::var("OUT_DIR").unwrap()).to_path_buf();
    // Keys under `sms.` (SMS texts) and `bot.` (the Telegram bot's words) are server-only.
    let server_only = |k: &str| k.starts_with("sms.") || k.starts_with("bot.");
    let pages: Vec<&String> = tables[0].keys().filter(|k| !server_only(k)).collect();
    std::fs::write(
        out_dir.join("i18n_keys.rs"),
        table("Key", "KEY_COUNT", "STRINGS", &pages, &tables),
    )
    .unwrap();
    for (prefix, name, count, strings, file) in [
        ("sms.", "Sms", "SMS_COUNT", "SMS_STRINGS", "i18n_sms.rs"),
        ("bot.", "Bot", "BOT_COUNT", "BOT_STRINGS", "i18n_bot.rs"),
    ] {
        let keys: Vec<String> = tables[0]
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect();
        let server_tables: Vec<BTreeMap<String, String>> = tables
            .iter()
            .map(|t| {
                keys.iter()
                    .map(|k| (k[prefix.len()..].to_string(), t[k].clone()))
                    .collect()
            })
            .collect();
        let server_keys: Vec<&String> = server_tables[0].keys().collect();
        std::fs::write(
            out_dir.join(file),
            table(name, count, strings, &server_keys, &server_tables),
        )
        .unwrap();
    }
}

/// The enum `name` of `keys`, their count and one string table per language.
fn table(
    name: &str,
    count: &str,
    strings: &str,
    keys: &[&String],
    tables: &[BTreeMap<String, String>],
) -> String {
    let mut out = String::new();
    writeln!(
        out,
        "/// A translatable string. Generated from shared/locales by build.rs."
    )
    .unwrap();
    writeln!(
        out,
        "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\npub enum {name} {{"
    )
    .unwrap();
    for key in keys {
        writeln!(out, "    /// `{key}`\n    {},", variant(key)).unwrap();
    }
    out.push_str("}\n\n");
    writeln!(out, "pub const {count}: usize = {};", keys.len()).unwrap();
    writeln!(out, "static {strings}: [[&str; {count}]; {}] = [", LOCALES.len()).unwrap();
    for table in tables {
        out.push_str("    [\n");
        for key in keys {
            writeln!(out, "        {:?},", table[*key]).unwrap();
        }
        out.push_str("    ],\n");
    }
    out.push_str("];\n\n");
    writeln!(out, "impl {name} {{\n    pub const ALL: [{name}; {count}] = [").unwrap();
    for key in keys {
        writeln!(out, "        {name}::{},", variant(key)).unwrap();
    }
    out.push_str("    ];\n\n    pub fn name(self) -> &'static str {\n        match self {\n");
    for key in keys {
        writeln!(out, "            {name}::{} => {key:?},", variant(key)).unwrap();
    }
    out.push_str("        }\n    }\n}\n");
    out
}

/// `key = value` lines; `#` starts a comment line; a value may use `\n` for a line break.
fn parse(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("line {}: expected `key = value`", n + 1))?;
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        {
            return Err(format!("line {}: bad key {key:?}", n + 1));
        }
        let value = value.trim().replace("\\n", "\n");
        if value.is_empty() {
            return Err(format!("line {}: {key} has an empty value", n + 1));
        }
        if map.insert(key.to_string(), value).is_some() {
            return Err(format!("line {}: {key} is defined twice", n + 1));
        }
    }
    Ok(map)
}

/// Every key in every language, and the same placeholders in each.
fn check(tables: &[BTreeMap<String, String>]) -> Vec<String> {
    let all: BTreeSet<&String> = tables.iter().flat_map(|t| t.keys()).collect();
    let mut problems = Vec::new();
    for key in all {
        let mut placeholders: Option<BTreeSet<String>> = None;
        for (tag, table) in LOCALES.iter().zip(tables) {
            match table.get(key) {
                None => problems.push(format!("{key} is missing in {tag}.txt")),
                Some(value) => {
                    let found = placeholders_of(value);
                    match &placeholders {
                        None => placeholders = Some(found),
                        Some(expected) if *expected != found => problems.push(format!(
                            "{key} in {tag}.txt has placeholders {found:?}, others have {expected:?}"
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
    }
    problems
}

fn placeholders_of(value: &str) -> BTreeSet<String> {
    value
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

fn variant(key: &str) -> String {
    key.split(['.', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
