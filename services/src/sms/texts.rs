//! The words of the sign-in code's SMS.

/// The texts of the messages, in the resident's language.
pub mod text {
    use shared::Locale;

    pub fn sign_in_code(locale: Locale, code: &str) -> String {
        match locale {
            Locale::Uz => {
                format!("Fuqaro: kirish kodi {code}. Uni hech kimga aytmang. Kod 5 daqiqa amal qiladi.")
            }
            Locale::UzCyrl => {
                format!("Fuqaro: кириш коди {code}. Уни ҳеч кимга айтманг. Код 5 дақиқа амал қилади.")
            }
            Locale::Ru => {
                format!("Fuqaro: код для входа {code}. Никому его не сообщайте. Код действует 5 минут.")
            }
        }
    }

    pub fn staff_welcome(locale: Locale) -> String {
        match locale {
            Locale::Uz => "Fuqaro: sizga xodim huquqi berildi. Telefon raqamingiz bilan kiring.".into(),
            Locale::UzCyrl => "Fuqaro: сизга ходим ҳуқуқи берилди. Телефон рақамингиз билан киринг.".into(),
            Locale::Ru => "Fuqaro: вам выданы права сотрудника. Войдите по своему номеру телефона.".into(),
        }
    }
}
