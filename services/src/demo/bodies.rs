//! The demo tree of bodies appeals are written to (development only).

use crate::{Result, Services};

/// The demo tree of bodies (development only): the Ministry of Health with its city, district
/// and institution levels (seed 004), and the energy and housing ministries residents of the
/// demo districts write to. Idempotent.
pub async fn seed(svc: &Services) -> Result<()> {
    // (id, parent, kind, uz, uz-Cyrl, ru, region, district, topics)
    type Body = (
        i64,
        Option<i64>,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        &'static [&'static str],
    );
    const BODIES: [Body; 11] = [
        (
            1,
            None,
            "ministry",
            "Sogʻliqni saqlash vazirligi",
            "Соғлиқни сақлаш вазирлиги",
            "Министерство здравоохранения",
            None,
            None,
            &["healthcare", "medicines"],
        ),
        (
            2,
            Some(1),
            "regional",
            "Toshkent shahar sogʻliqni saqlash bosh boshqarmasi",
            "Тошкент шаҳар соғлиқни сақлаш бош бошқармаси",
            "Главное управление здравоохранения города Ташкента",
            Some("1726"),
            None,
            &["healthcare"],
        ),
        (
            3,
            Some(2),
            "district",
            "Yunusobod tumani tibbiyot birlashmasi",
            "Юнусобод тумани тиббиёт бирлашмаси",
            "Юнусабадское районное медицинское объединение",
            Some("1726"),
            Some("1726266"),
            &["healthcare"],
        ),
        (
            4,
            Some(3),
            "institution",
            "Yunusobod tumani 1-son oilaviy poliklinika",
            "Юнусобод тумани 1-сон оилавий поликлиника",
            "Семейная поликлиника № 1 Юнусабадского района",
            Some("1726"),
            Some("1726266"),
            &["healthcare", "medicines"],
        ),
        (
            5,
            Some(2),
            "district",
            "Chilonzor tumani tibbiyot birlashmasi",
            "Чилонзор тумани тиббиёт бирлашмаси",
            "Чиланзарское районное медицинское объединение",
            Some("1726"),
            Some("1726294"),
            &["healthcare"],
        ),
        (
            6,
            Some(1),
            "regional",
            "Samarqand viloyati sogʻliqni saqlash boshqarmasi",
            "Самарқанд вилояти соғлиқни сақлаш бошқармаси",
            "Управление здравоохранения Самаркандской области",
            Some("1718"),
            None,
            &["healthcare"],
        ),
        (
            7,
            None,
            "ministry",
            "Energetika vazirligi",
            "Энергетика вазирлиги",
            "Министерство энергетики",
            None,
            None,
            &["electricity"],
        ),
        (
            8,
            Some(7),
            "regional",
            "Toshkent shahar hududiy elektr tarmoqlari korxonasi",
            "Тошкент шаҳар ҳудудий электр тармоқлари корхонаси",
            "Ташкентское городское предприятие территориальных электросетей",
            Some("1726"),
            None,
            &["electricity"],
        ),
        (
            9,
            Some(8),
            "district",
            "Yunusobod tumani elektr tarmoqlari",
            "Юнусобод тумани электр тармоқлари",
            "Юнусабадские районные электросети",
            Some("1726"),
            Some("1726266"),
            &["electricity"],
        ),
        (
            10,
            None,
            "ministry",
            "Qurilish va uy-joy kommunal xoʻjaligi vazirligi",
            "Қурилиш ва уй-жой коммунал хўжалиги вазирлиги",
            "Министерство строительства и жилищно-коммунального хозяйства",
            None,
            None,
            &["housing"],
        ),
        (
            11,
            Some(10),
            "regional",
            "Toshkent shahar uy-joy kommunal xoʻjaligi bosh boshqarmasi",
            "Тошкент шаҳар уй-жой коммунал хўжалиги бош бошқармаси",
            "Главное управление ЖКХ города Ташкента",
            Some("1726"),
            None,
            &["housing"],
        ),
    ];
    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await?;
    for (id, parent, kind, uz, cyrl, ru, region, district, topics) in BODIES {
        sqlx::query(
            "INSERT INTO bodies (id, parent_id, kind, name_uz, name_uz_cyrl, name_ru, region_soato, district_soato, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(parent)
        .bind(kind)
        .bind(uz)
        .bind(cyrl)
        .bind(ru)
        .bind(region)
        .bind(district)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for topic in topics {
            sqlx::query(
                "INSERT INTO body_topics (body_id, topic_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(topic)
            .execute(&mut *tx)
            .await?;
        }
    }
    // Ids given by hand: on PostgreSQL bodies added later must continue after them.
    if svc.db.backend == crate::db::Backend::Postgres {
        sqlx::query("SELECT setval(pg_get_serial_sequence('bodies', 'id'), (SELECT MAX(id) FROM bodies))")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
