//! Reference data: regions, districts and cities, mahallas (embedded CSV, loaded once) and
//! the utility service types (seeded by migration).

use crate::db::{Value, insert_batch};
use crate::{Db, Error, Result};
use shared::geo::{District, DistrictKind, Names, Region};
use shared::service::ServiceTypeInfo;
use sqlx::Row;
use sqlx::any::AnyRow;

const REGIONS_CSV: &str = include_str!("../../reference/regions.csv");
const DISTRICTS_CSV: &str = include_str!("../../reference/districts.csv");
const MAHALLAS_CSV: &str = include_str!("../../reference/mahallas.csv");

/// What [`load`] found or did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadReport {
    pub regions: usize,
    pub districts: usize,
    pub mahallas: usize,
    /// False when this version of the data was already in the database.
    pub inserted: bool,
}

const META_KEY: &str = "reference_data_version";

/// Loads the embedded reference data unless this exact version is already loaded.
/// Idempotent and safe when several server instances start at once: rows are inserted with
/// `ON CONFLICT DO NOTHING` inside one transaction.
pub async fn load(db: &Db) -> Result<LoadReport> {
    let regions = parse_csv(REGIONS_CSV, 4)?;
    let districts = parse_csv(DISTRICTS_CSV, 6)?;
    let mahallas = parse_csv(MAHALLAS_CSV, 5)?;
    let version = format!(
        "{:016x}",
        fingerprint(&[REGIONS_CSV, DISTRICTS_CSV, MAHALLAS_CSV])
    );
    let mut report = LoadReport {
        regions: regions.len(),
        districts: districts.len(),
        mahallas: mahallas.len(),
        inserted: false,
    };

    let loaded: Option<String> = sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1")
        .bind(META_KEY)
        .fetch_optional(&db.pool)
        .await?;
    if loaded.as_deref() == Some(version.as_str()) {
        return Ok(report);
    }

    let mut tx = db.pool.begin().await?;
    insert_rows(
        &mut tx,
        "INSERT INTO regions (soato, name_uz, name_uz_cyrl, name_ru) VALUES ",
        " ON CONFLICT (soato) DO UPDATE SET name_uz = excluded.name_uz, \
          name_uz_cyrl = excluded.name_uz_cyrl, name_ru = excluded.name_ru",
        &regions,
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO districts (soato, region_soato, kind, name_uz, name_uz_cyrl, name_ru) VALUES ",
        " ON CONFLICT (soato) DO UPDATE SET region_soato = excluded.region_soato, \
          kind = excluded.kind, name_uz = excluded.name_uz, \
          name_uz_cyrl = excluded.name_uz_cyrl, name_ru = excluded.name_ru",
        &districts,
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO mahallas (code, district_soato, region_soato, name_uz, name_uz_cyrl) VALUES ",
        " ON CONFLICT (code) DO UPDATE SET district_soato = excluded.district_soato, \
          region_soato = excluded.region_soato, name_uz = excluded.name_uz, \
          name_uz_cyrl = excluded.name_uz_cyrl",
        &mahallas,
    )
    .await?;
    sqlx::query(
        "INSERT INTO app_meta (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(META_KEY)
    .bind(&version)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    report.inserted = true;
    tracing::info!(
        regions = report.regions,
        districts = report.districts,
        mahallas = report.mahallas,
        "reference data loaded"
    );
    Ok(report)
}

async fn insert_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    head: &str,
    tail: &str,
    rows: &[Vec<&str>],
) -> Result<()> {
    let rows: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| r.iter().map(|v| Value::from(*v)).collect())
        .collect();
    insert_batch(tx, head, tail, &rows).await
}

/// Splits a header-led CSV without quoting (the reference files have none) and checks
/// that every row has the expected number of non-empty fields.
fn parse_csv(text: &str, columns: usize) -> Result<Vec<Vec<&str>>> {
    text.lines()
        .skip(1)
        .enumerate()
        .filter(|(_, line)| !line.is_empty())
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split(',').collect();
            if fields.len() != columns || fields.iter().any(|f| f.is_empty()) {
                return Err(Error::ReferenceData(format!(
                    "line {} has {} fields, {columns} expected: {line}",
                    i + 2,
                    fields.len()
                )));
            }
            Ok(fields)
        })
        .collect()
}

/// FNV-1a over the files: a stable version tag for the embedded data.
fn fingerprint(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn names(row: &AnyRow, ru_column: &str) -> Result<Names> {
    Ok(Names {
        uz: row.try_get("name_uz")?,
        uz_cyrl: row.try_get("name_uz_cyrl")?,
        ru: row.try_get(ru_column)?,
    })
}

/// All regions in SOATO order, with how many districts and mahallas each has.
pub async fn regions(db: &Db) -> Result<Vec<Region>> {
    let rows = sqlx::query(
        "SELECT r.soato, r.name_uz, r.name_uz_cyrl, r.name_ru, \
           (SELECT COUNT(*) FROM districts d WHERE d.region_soato = r.soato) AS district_count, \
           (SELECT COUNT(*) FROM mahallas m WHERE m.region_soato = r.soato) AS mahalla_count \
         FROM regions r ORDER BY r.soato",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Region {
                soato: row.try_get("soato")?,
                names: names(row, "name_ru")?,
                district_count: row.try_get("district_count")?,
                mahalla_count: row.try_get("mahalla_count")?,
            })
        })
        .collect()
}

/// One region and its districts and cities (cities first, then tumans, each by Latin name).
pub async fn region_with_districts(db: &Db, soato: &str) -> Result<(Region, Vec<District>)> {
    let region = regions(db)
        .await?
        .into_iter()
        .find(|r| r.soato == soato)
        .ok_or(Error::NotFound)?;
    let rows = sqlx::query(
        "SELECT d.soato, d.region_soato, d.kind, d.name_uz, d.name_uz_cyrl, d.name_ru, \
           (SELECT COUNT(*) FROM mahallas m WHERE m.district_soato = d.soato) AS mahalla_count \
         FROM districts d WHERE d.region_soato = $1 \
         ORDER BY CASE d.kind WHEN 'city' THEN 0 ELSE 1 END, d.name_uz",
    )
    .bind(soato)
    .fetch_all(&db.pool)
    .await?;
    let districts = rows
        .iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            Ok(District {
                soato: row.try_get("soato")?,
                region_soato: row.try_get("region_soato")?,
                kind: DistrictKind::from_code(&kind)
                    .ok_or_else(|| Error::ReferenceData(format!("unknown district kind {kind}")))?,
                names: names(row, "name_ru")?,
                mahalla_count: row.try_get("mahalla_count")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok((region, districts))
}

/// The utility service types in their display order.
pub async fn service_types(db: &Db) -> Result<Vec<ServiceTypeInfo>> {
    let rows = sqlx::query(
        "SELECT code, meter_unit, name_uz, name_uz_cyrl, name_ru FROM service_types ORDER BY position",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ServiceTypeInfo {
                code: row.try_get("code")?,
                meter_unit: row.try_get("meter_unit")?,
                names: names(row, "name_ru")?,
            })
        })
        .collect()
}

/// How many rows each reference table holds: for checks and the about page.
pub async fn counts(db: &Db) -> Result<(i64, i64, i64, i64)> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM regions) AS r, (SELECT COUNT(*) FROM districts) AS d, \
                (SELECT COUNT(*) FROM mahallas) AS m, (SELECT COUNT(*) FROM service_types) AS s",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok((
        row.try_get("r")?,
        row.try_get("d")?,
        row.try_get("m")?,
        row.try_get("s")?,
    ))
}

/// The mahallas of a district, by name (they have Uzbek names only; Russian pages show the
/// Cyrillic one).
pub async fn mahallas_of(
    svc: &crate::Services,
    district: &str,
) -> crate::Result<Vec<(String, shared::geo::Names)>> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT code, name_uz, name_uz_cyrl FROM mahallas WHERE district_soato = $1 ORDER BY name_uz",
    )
    .bind(district)
    .fetch_all(&svc.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let cyrl: String = r.try_get("name_uz_cyrl")?;
            Ok((
                r.try_get("code")?,
                shared::geo::Names {
                    uz: r.try_get("name_uz")?,
                    ru: cyrl.clone(),
                    uz_cyrl: cyrl,
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_files_hold_every_unit_of_the_country() {
        assert_eq!(parse_csv(REGIONS_CSV, 4).unwrap().len(), 14);
        assert_eq!(parse_csv(DISTRICTS_CSV, 6).unwrap().len(), 208);
        assert_eq!(parse_csv(MAHALLAS_CSV, 5).unwrap().len(), 9452);
    }

    #[test]
    fn a_short_row_is_reported_with_its_line() {
        let err = parse_csv("a,b\n1,2\n3\n", 2).unwrap_err().to_string();
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn the_fingerprint_changes_with_the_data() {
        assert_ne!(fingerprint(&["a", "b"]), fingerprint(&["ab", ""]));
        assert_eq!(fingerprint(&["x"]), fingerprint(&["x"]));
    }
}
