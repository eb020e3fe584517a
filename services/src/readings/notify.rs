//! The words of the SMS a resident gets about a reading.

/// The resident's messages about a decision.
pub mod text {
    use shared::reading::RejectReason;
    use shared::{Locale, Tiyin};

    pub fn confirmed(locale: Locale, account: &str, value: &str, charge: Tiyin) -> String {
        let charge = charge.format_som();
        match locale {
            Locale::Uz => format!(
                "Fuqaro: {account} hisobi uchun {value} koʻrsatkich tasdiqlandi. Hisoblandi: {charge} soʻm."
            ),
            Locale::UzCyrl => format!(
                "Fuqaro: {account} ҳисоби учун {value} кўрсаткич тасдиқланди. Ҳисобланди: {charge} сўм."
            ),
            Locale::Ru => {
                format!("Fuqaro: показание {value} по счёту {account} подтверждено. Начислено: {charge} сум.")
            }
        }
    }

    pub fn corrected(locale: Locale, account: &str, value: &str, reason: &str, charge: Tiyin) -> String {
        let charge = charge.format_som();
        match locale {
            Locale::Uz => format!(
                "Fuqaro: {account} hisobi koʻrsatkichi {value} ga tuzatildi ({reason}). Hisoblandi: {charge} soʻm."
            ),
            Locale::UzCyrl => format!(
                "Fuqaro: {account} ҳисоби кўрсаткичи {value} га тузатилди ({reason}). Ҳисобланди: {charge} сўм."
            ),
            Locale::Ru => format!(
                "Fuqaro: показание по счёту {account} исправлено на {value} ({reason}). Начислено: {charge} сум."
            ),
        }
    }

    pub fn rejected(locale: Locale, account: &str, reason: RejectReason, text: &str) -> String {
        let why = reason_label(locale, reason);
        let why = if text.is_empty() {
            why.to_string()
        } else {
            format!("{why}: {text}")
        };
        match locale {
            Locale::Uz => format!(
                "Fuqaro: {account} hisobi koʻrsatkichi rad etildi. Sabab: {why}. Iltimos, qayta yuboring."
            ),
            Locale::UzCyrl => format!(
                "Fuqaro: {account} ҳисоби кўрсаткичи рад этилди. Сабаб: {why}. Илтимос, қайта юборинг."
            ),
            Locale::Ru => format!(
                "Fuqaro: показание по счёту {account} отклонено. Причина: {why}. Пожалуйста, отправьте снова."
            ),
        }
    }

    pub fn reason_label(locale: Locale, reason: RejectReason) -> &'static str {
        use RejectReason::*;
        match (locale, reason) {
            (Locale::Uz, PhotoUnreadable) => "rasmda raqamlar oʻqilmaydi",
            (Locale::Uz, NotAMeter) => "rasmda hisoblagich yoʻq",
            (Locale::Uz, WrongMeter) => "boshqa hisoblagich",
            (Locale::Uz, ValueMismatch) => "kiritilgan qiymat rasmga mos emas",
            (Locale::Uz, Other) => "boshqa sabab",
            (Locale::UzCyrl, PhotoUnreadable) => "расмда рақамлар ўқилмайди",
            (Locale::UzCyrl, NotAMeter) => "расмда ҳисоблагич йўқ",
            (Locale::UzCyrl, WrongMeter) => "бошқа ҳисоблагич",
            (Locale::UzCyrl, ValueMismatch) => "киритилган қиймат расмга мос эмас",
            (Locale::UzCyrl, Other) => "бошқа сабаб",
            (Locale::Ru, PhotoUnreadable) => "цифры на фото не читаются",
            (Locale::Ru, NotAMeter) => "на фото нет счётчика",
            (Locale::Ru, WrongMeter) => "другой счётчик",
            (Locale::Ru, ValueMismatch) => "введённое значение не совпадает с фото",
            (Locale::Ru, Other) => "другая причина",
        }
    }
}
