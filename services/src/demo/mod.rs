//! Demo data for the embedded default: utility accounts across the regions with a year of
//! believable readings, charges and payments; demo residents; one demo user of every staff
//! role. Deterministic (a seeded generator), loaded once, never in production.

pub mod bodies;
pub mod receptions;

use crate::clock::DAY_MS;
use crate::db::{Value, insert_batch};
use crate::{Result, Services, identity::users};
use shared::account::LedgerNote;
use shared::auth::{Role, Scope};
use shared::payment::PayMethod;
use shared::{Locale, Phone};
use sqlx::Row;

const META_KEY: &str = "demo_data_version";
const VERSION: &str = "1";
const MONTHS: i64 = 12;

/// A demo person, as listed in the README.
pub struct DemoUser {
    pub phone: &'static str,
    pub name: &'static str,
    pub role: Option<Role>,
}

pub const RESIDENTS: [DemoUser; 2] = [
    DemoUser {
        phone: "+998900000001",
        name: "Dilnoza Karimova",
        role: None,
    },
    DemoUser {
        phone: "+998900000002",
        name: "Rustam Aliyev",
        role: None,
    },
];

pub const STAFF: [DemoUser; 5] = [
    DemoUser {
        phone: "+998900000101",
        name: "Jasur Toshmatov",
        role: Some(Role::Inspector),
    },
    DemoUser {
        phone: "+998900000102",
        name: "Nodira Yusupova",
        role: Some(Role::AppealsOfficer),
    },
    DemoUser {
        phone: "+998900000103",
        name: "Bahodir Rahimov",
        role: Some(Role::HeadOfBody),
    },
    DemoUser {
        phone: "+998900000104",
        name: "Malika Sobirova",
        role: Some(Role::ReceptionCoordinator),
    },
    DemoUser {
        phone: "+998900000105",
        name: "Sherzod Qodirov",
        role: Some(Role::Administrator),
    },
];

/// Accounts every demo and test can rely on: (service, district, number, linked to resident #).
pub const KNOWN_ACCOUNTS: [(&str, &str, &str, Option<usize>); 5] = [
    ("electricity", "1726266", "10000001", Some(0)),
    ("gas", "1726266", "20000001", Some(0)),
    ("cold_water", "1726266", "30000001", Some(0)),
    ("electricity", "1703401", "10000002", Some(1)),
    // Not linked to anyone: the one a demo resident links by hand.
    ("electricity", "1726266", "10000003", None),
];

/// The code printed on a demo account's bills: eight digits derived from its number, so the
/// README can name the one a demo resident types (`10000003`: see [`bill_code`]'s test).
pub fn bill_code(number: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in format!("fuqaro-demo-bill:{number}").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08}", hash % 100_000_000)
}

/// Demo data loaded before bills had codes gets them (and the demo residents' phones on
/// their accounts), once.
async fn give_bill_codes(svc: &Services) -> Result<()> {
    let rows = sqlx::query(
        "SELECT id, service_code, district_soato, number FROM utility_accounts WHERE bill_code_hash IS NULL",
    )
    .fetch_all(&svc.db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut tx = svc.db.pool.begin().await?;
    for row in &rows {
        let (id, service, district, number): (i64, String, String, String) = (
            row.try_get("id")?,
            row.try_get("service_code")?,
            row.try_get("district_soato")?,
            row.try_get("number")?,
        );
        let holder = KNOWN_ACCOUNTS
            .iter()
            .find(|(s, d, n, _)| *s == service && *d == district && *n == number)
            .and_then(|(_, _, _, owner)| owner.map(|i| RESIDENTS[i].phone));
        sqlx::query("UPDATE utility_accounts SET bill_code_hash = $2, holder_phone = COALESCE(holder_phone, $3) WHERE id = $1")
            .bind(id)
            .bind(crate::accounts::bill_code_hash(&service, &district, &number, &bill_code(&number)))
            .bind(holder)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every demo person's phone (residents and staff), as stored.
pub fn phones() -> impl Iterator<Item = &'static str> {
    RESIDENTS.iter().chain(STAFF.iter()).map(|p| p.phone)
}

/// The demo people this database holds (their phones). A production server refuses to start
/// while there are any: their numbers are dialable, and staff among them hold roles.
pub async fn people_present(db: &crate::Db) -> Result<Vec<String>> {
    let mut present = Vec::new();
    for phone in phones() {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
            .bind(phone)
            .fetch_optional(&db.pool)
            .await?;
        if found.is_some() {
            present.push(phone.to_string());
        }
    }
    Ok(present)
}

/// Removes the demo people and everything that is theirs alone: sessions, codes, roles,
/// links, the appeals they filed (with their events, files, co-signers, consents, returns and
/// ratings) and the messages sent to them. What they did to shared things stays, without
/// their name: a reading they sent or decided, a step on someone else's appeal, an order
/// (the ledger is never rewritten). Returns how many people were removed.
pub async fn remove_people(db: &crate::Db) -> Result<usize> {
    let mut tx = db.pool.begin().await?;
    let mut removed = 0;
    for phone in phones() {
        let Some(id): Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
            .bind(phone)
            .fetch_optional(&mut *tx)
            .await?
        else {
            continue;
        };
        let own_appeals = "(SELECT id FROM appeals WHERE user_id = $1)";
        let statements = [
            format!("UPDATE appeals SET repeat_of = NULL WHERE repeat_of IN {own_appeals}"),
            format!("DELETE FROM appeal_ratings WHERE appeal_id IN {own_appeals}"),
            format!("DELETE FROM appeal_returns WHERE appeal_id IN {own_appeals}"),
            format!("DELETE FROM appeal_consents WHERE appeal_id IN {own_appeals} OR recorded_by = $1"),
            format!("DELETE FROM appeal_cosigners WHERE appeal_id IN {own_appeals}"),
            format!("DELETE FROM appeal_files WHERE appeal_id IN {own_appeals}"),
            format!("DELETE FROM appeal_events WHERE appeal_id IN {own_appeals}"),
            "DELETE FROM appeals WHERE user_id = $1".into(),
            "UPDATE appeals SET assigned_to = NULL WHERE assigned_to = $1".into(),
            "UPDATE appeal_events SET actor_id = NULL WHERE actor_id = $1".into(),
            "UPDATE meter_readings SET user_id = NULL WHERE user_id = $1".into(),
            "UPDATE meter_readings SET decided_by = NULL WHERE decided_by = $1".into(),
            "UPDATE reading_events SET actor_id = NULL WHERE actor_id = $1".into(),
            "UPDATE payment_orders SET user_id = NULL WHERE user_id = $1".into(),
            "UPDATE reconciliation_runs SET created_by = NULL WHERE created_by = $1".into(),
            "UPDATE role_grants SET created_by = NULL WHERE created_by = $1".into(),
            "DELETE FROM reception_bookings WHERE user_id = $1".into(),
            "UPDATE body_instructions SET given_by = NULL WHERE given_by = $1".into(),
            "UPDATE appeal_terms SET updated_by = NULL WHERE updated_by = $1".into(),
            "UPDATE body_instructions SET acknowledged_by = NULL WHERE acknowledged_by = $1".into(),
            "UPDATE receptions SET created_by = NULL WHERE created_by = $1".into(),
            "DELETE FROM role_grants WHERE user_id = $1".into(),
            "DELETE FROM sessions WHERE user_id = $1".into(),
            "DELETE FROM account_links WHERE user_id = $1".into(),
        ];
        for sql in &statements {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        for sql in [
            "DELETE FROM login_codes WHERE phone = $1",
            "DELETE FROM sms_outbox WHERE phone = $1",
        ] {
            sqlx::query(sql).bind(phone).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        removed += 1;
    }
    tx.commit().await?;
    Ok(removed)
}

/// SplitMix64: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const SURNAMES: [&str; 16] = [
    "Karimov",
    "Aliyev",
    "Toshmatov",
    "Yusupov",
    "Rahimov",
    "Sobirov",
    "Qodirov",
    "Ergashev",
    "Nazarov",
    "Xolmatov",
    "Mirzayev",
    "Abdullayev",
    "Usmonov",
    "Jurayev",
    "Saidov",
    "Ismoilov",
];
const MALE: [&str; 10] = [
    "Rustam",
    "Jasur",
    "Bahodir",
    "Sherzod",
    "Anvar",
    "Otabek",
    "Jamshid",
    "Sardor",
    "Ulugʻbek",
    "Doniyor",
];
const FEMALE: [&str; 10] = [
    "Dilnoza", "Nodira", "Malika", "Gulnora", "Zarina", "Madina", "Shahnoza", "Feruza", "Nilufar", "Sevara",
];
const STREETS: [&str; 10] = [
    "Amir Temur",
    "Navoiy",
    "Mustaqillik",
    "Bobur",
    "Ibn Sino",
    "Beruniy",
    "Mirzo Ulugʻbek",
    "Istiqlol",
    "Bunyodkor",
    "Yangi hayot",
];

/// (service, tariff, meter decimals, monthly consumption range in thousandths, or persons for waste)
const SERVICES: [(&str, &str, i64, i64, i64); 6] = [
    ("electricity", "electricity-household", 1, 120_000, 380_000),
    ("gas", "gas-household", 3, 40_000, 160_000),
    ("cold_water", "cold-water-household", 3, 4_000, 16_000),
    ("hot_water", "hot-water-household", 3, 2_000, 8_000),
    ("heating", "heating-household", 3, 400, 2_200),
    ("waste", "waste-household", 0, 1, 6),
];

/// Seeds the demo data unless it is already there. Returns how many accounts it created.
pub async fn seed(svc: &Services, accounts: usize) -> Result<usize> {
    let loaded: Option<String> = sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1")
        .bind(META_KEY)
        .fetch_optional(&svc.db.pool)
        .await?;
    if loaded.as_deref() == Some(VERSION) {
        give_bill_codes(svc).await?;
        return Ok(0);
    }
    let now = svc.clock.now_ms();
    let districts = sqlx::query("SELECT d.soato, d.region_soato, (SELECT MIN(m.code) FROM mahallas m WHERE m.district_soato = d.soato) AS mahalla FROM districts d ORDER BY d.soato")
        .fetch_all(&svc.db.pool)
        .await?;
    let districts: Vec<(String, String, Option<String>)> = districts
        .iter()
        .map(|r| {
            Ok((
                r.try_get("soato")?,
                r.try_get("region_soato")?,
                r.try_get("mahalla")?,
            ))
        })
        .collect::<Result<_>>()?;
    let prices: Vec<(String, i64)> = sqlx::query("SELECT code, unit_price_tiyin FROM tariffs")
        .fetch_all(&svc.db.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("code")?, r.try_get("unit_price_tiyin")?)))
        .collect::<Result<_>>()?;
    let price_of = |tariff: &str| prices.iter().find(|(c, _)| c == tariff).map_or(0, |(_, p)| *p);

    let mut rng = Rng(0x00f0_9a40);
    let mut plan: Vec<(usize, String, String, Option<usize>)> = KNOWN_ACCOUNTS
        .iter()
        .map(|(service, district, number, owner)| {
            let s = SERVICES.iter().position(|x| x.0 == *service).unwrap_or(0);
            (s, district.to_string(), number.to_string(), *owner)
        })
        .collect();
    for seq in 0..accounts.saturating_sub(KNOWN_ACCOUNTS.len()) {
        let s = rng.below(SERVICES.len() as u64) as usize;
        let (district, _, _) = rng.pick(&districts);
        plan.push((s, district.clone(), format!("{}{:07}", s + 4, seq + 1), None));
    }

    let mut tx = svc.db.pool.begin().await?;
    let mut account_rows = Vec::with_capacity(plan.len());
    for (s, district, number, owner) in &plan {
        let (service, tariff, decimals, _, _) = SERVICES[*s];
        let holder_phone = owner.map(|i| RESIDENTS[i].phone);
        let code_hash = crate::accounts::bill_code_hash(service, district, number, &bill_code(number));
        let (_, region, mahalla) = districts
            .iter()
            .find(|(d, _, _)| d == district)
            .cloned()
            .unwrap_or_default();
        let female = rng.below(2) == 0;
        let surname = rng.pick(&SURNAMES);
        let holder = if female {
            format!("{surname}a {}", rng.pick(&FEMALE))
        } else {
            format!("{surname} {}", rng.pick(&MALE))
        };
        let address = format!(
            "{} koʻchasi, {}-uy, {}-xonadon",
            rng.pick(&STREETS),
            rng.range(1, 120),
            rng.range(1, 80)
        );
        account_rows.push(vec![
            Value::from(service),
            Value::from(region),
            Value::from(district.as_str()),
            Value::from(number.as_str()),
            Value::from(holder),
            Value::from(address),
            Value::from(mahalla),
            Value::from(tariff),
            Value::from(decimals),
            Value::from(now - MONTHS * 31 * DAY_MS),
            Value::from(holder_phone),
            Value::from(code_hash),
        ]);
    }
    insert_batch(
        &mut tx,
        "INSERT INTO utility_accounts (service_code, region_soato, district_soato, number, holder_name, address, \
         mahalla_code, tariff_code, meter_decimals, created_at, holder_phone, bill_code_hash) VALUES ",
        " ON CONFLICT (service_code, district_soato, number) DO NOTHING",
        &account_rows,
    )
    .await?;
    let ids = sqlx::query("SELECT id, service_code, district_soato, number FROM utility_accounts")
        .fetch_all(&mut *tx)
        .await?;
    let mut by_key = std::collections::HashMap::with_capacity(ids.len());
    for r in &ids {
        let key: (String, String, String) = (
            r.try_get("service_code")?,
            r.try_get("district_soato")?,
            r.try_get("number")?,
        );
        by_key.insert(key, r.try_get::<i64, _>("id")?);
    }

    let mut readings = Vec::new();
    let mut ledger = Vec::new();
    for (s, district, number, _) in &plan {
        let (service, tariff, decimals, lo, hi) = SERVICES[*s];
        // Readings have the meter's precision, as a resident would type them.
        let step = 10i64.pow(3 - decimals.clamp(0, 3) as u32);
        let Some(&account) = by_key.get(&(service.to_string(), district.clone(), number.clone())) else {
            continue;
        };
        let price = price_of(tariff);
        let mut meter = rng.range(1_000, 90_000) * 1000;
        let mut owed = 0i64;
        for month in 0..MONTHS {
            let at = now - (MONTHS - month) * 30 * DAY_MS;
            let amount = if service == "waste" {
                rng.range(lo, hi) * price
            } else {
                let used = rng.range(lo, hi) / step * step;
                meter += used;
                readings.push(vec![
                    Value::from(account),
                    Value::from(meter),
                    Value::from("confirmed"),
                    Value::from(at - 3 * DAY_MS),
                    Value::from(at - 2 * DAY_MS),
                ]);
                used * price / 1000
            };
            // The month the charge is for is the month it is dated in (Tashkent).
            let (year, month_of_year, ..) = shared::time::tashkent(at);
            let period = format!("{year}-{month_of_year:02}");
            ledger.push(vec![
                Value::from(account),
                Value::from("charge"),
                Value::from(-amount),
                Value::from(at),
                Value::from(format!("{period} hisobi")),
                Value::Null,
                Value::from(now),
                Value::from(note(&LedgerNote::Month { period })),
            ]);
            owed += amount;
            // Most pay what they owe, some pay part, some skip a month. The accounts of the
            // README leave their latest bill unpaid, so a demo shows a debt to pay.
            let known = KNOWN_ACCOUNTS
                .iter()
                .any(|(s, d, n, _)| *s == service && d == district && n == number);
            let paid = match rng.below(10) {
                _ if known && month == MONTHS - 1 => 0,
                0 => 0,
                1 => owed / 2,
                _ => owed,
            };
            if paid > 0 {
                let method = [PayMethod::Payme, PayMethod::Click, PayMethod::Card][rng.below(3) as usize];
                ledger.push(vec![
                    Value::from(account),
                    Value::from("payment"),
                    Value::from(paid),
                    Value::from(at + rng.range(1, 20) * DAY_MS),
                    Value::from("Toʻlov (demo)"),
                    Value::Null,
                    Value::from(now),
                    Value::from(note(&LedgerNote::Paid { method })),
                ]);
                owed -= paid;
            }
        }
    }
    insert_batch(
        &mut tx,
        "INSERT INTO meter_readings (account_id, value_milli, status, submitted_at, decided_at) VALUES ",
        "",
        &readings,
    )
    .await?;
    insert_batch(
        &mut tx,
        "INSERT INTO ledger_entries (account_id, kind, amount_tiyin, occurred_at, description, reference, created_at, note) VALUES ",
        "",
        &ledger,
    )
    .await?;

    for (i, resident) in RESIDENTS.iter().enumerate() {
        let phone = Phone::parse(resident.phone).expect("demo phones are valid");
        let user = users::find_or_create(&mut *tx, &phone, Locale::Uz, now).await?;
        sqlx::query("UPDATE users SET full_name = $2 WHERE id = $1")
            .bind(user)
            .bind(resident.name)
            .execute(&mut *tx)
            .await?;
        for (service, district, number, owner) in KNOWN_ACCOUNTS {
            if owner == Some(i)
                && let Some(&account) =
                    by_key.get(&(service.to_string(), district.to_string(), number.to_string()))
            {
                sqlx::query(
                    "INSERT INTO account_links (user_id, account_id, linked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(user)
                .bind(account)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(META_KEY)
        .bind(VERSION)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    for member in &STAFF {
        let Some(role) = member.role else { continue };
        let phone = Phone::parse(member.phone).expect("demo phones are valid");
        let scopes = match role {
            Role::Inspector => vec![
                Scope::District("1726266".into()),
                Scope::District("1726294".into()),
                Scope::Service("electricity".into()),
                Scope::Service("gas".into()),
                Scope::Service("cold_water".into()),
            ],
            Role::AppealsOfficer | Role::HeadOfBody => vec![Scope::Body(1)],
            Role::ReceptionCoordinator => vec![Scope::Region("1726".into())],
            Role::Administrator => vec![],
        };
        users::grant_role(svc, &phone, Some(member.name), role, &scopes, None, Locale::Uz)
            .await
            .map_err(|e| crate::Error::ReferenceData(format!("demo staff: {e}")))?;
    }
    // The welcome messages of demo staff are noise in the outbox.
    sqlx::query("DELETE FROM sms_outbox WHERE purpose = 'staff'")
        .execute(&svc.db.pool)
        .await?;
    tracing::info!(
        accounts = plan.len(),
        readings = readings.len(),
        ledger = ledger.len(),
        "demo data loaded"
    );
    Ok(plan.len())
}

/// A ledger note as it is stored.
fn note(note: &LedgerNote) -> String {
    serde_json::to_string(note).expect("a ledger note serializes")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_readme_names_the_bill_code_of_the_unlinked_demo_account() {
        assert_eq!(super::bill_code("10000003"), "52348347");
    }
}
