//! Closed sets of words that cross the browser/server boundary and the database: each variant
//! has one code, stored, serialised and put in URLs as that code. The pages match them
//! exhaustively, so a new word fails to compile until every page that shows it has its message
//! in all three languages.

/// A word of a closed vocabulary.
pub trait Word: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|word| word.code() == code)
    }
}

/// Declares a vocabulary: `words! { /// doc \n pub enum Status { Registered = "registered", … } }`
/// makes the enum, its codes, `ALL`, `parse`, `Display` and serde as the code.
#[macro_export]
macro_rules! words {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+
        }
        impl $crate::vocabulary::Word for $name {
            const ALL: &'static [Self] = &[$($name::$variant,)+];
            fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }
        }
        impl $name {
            pub const ALL: &'static [$name] = <$name as $crate::vocabulary::Word>::ALL;
            pub fn code(self) -> &'static str {
                <$name as $crate::vocabulary::Word>::code(self)
            }
            pub fn parse(code: &str) -> Option<$name> {
                <$name as $crate::vocabulary::Word>::parse(code)
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Word;

    crate::words! {
        /// A test vocabulary.
        pub enum Colour {
            Red = "red",
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn a_word_is_its_code_everywhere() {
        for colour in Colour::ALL {
            assert_eq!(Colour::parse(colour.code()), Some(*colour));
            assert_eq!(
                serde_json::to_string(colour).unwrap(),
                format!("\"{}\"", colour.code())
            );
            assert_eq!(colour.to_string(), colour.code());
        }
        assert_eq!(<Colour as Word>::parse("blue"), None);
        assert_eq!(
            serde_json::from_str::<Colour>("\"dark_blue\"").unwrap(),
            Colour::DarkBlue
        );
    }

    #[test]
    fn codes_are_unique_in_every_vocabulary() {
        fn unique<W: Word>() {
            let mut codes: Vec<_> = W::ALL.iter().map(|w| w.code()).collect();
            codes.sort_unstable();
            let n = codes.len();
            codes.dedup();
            assert_eq!(codes.len(), n);
        }
        unique::<Colour>();
        unique::<crate::appeal::Status>();
        unique::<crate::appeal::EventKind>();
        unique::<crate::appeal::Category>();
        unique::<crate::appeal::AppealKind>();
        unique::<crate::appeal::Resolution>();
        unique::<crate::appeal::ConsentRole>();
        unique::<crate::appeal::Problem>();
        unique::<crate::reading::Flag>();
        unique::<crate::reading::RejectReason>();
        unique::<crate::reading::ReadingStatus>();
        unique::<crate::reading::ReadingEventKind>();
        unique::<crate::reading::ReadingProblem>();
        unique::<crate::payment::PayMethod>();
        unique::<crate::payment::OrderStatus>();
        unique::<crate::payment::PayProblem>();
        unique::<crate::auth::SignInProblem>();
        unique::<crate::account::LinkProblem>();
        unique::<crate::auth::StaffProblem>();
        unique::<crate::reading::TariffProblem>();
        unique::<crate::appeal::AdminProblem>();
        unique::<crate::appeal::BodyKind>();
        unique::<crate::calendar::DayKind>();
    }
}
