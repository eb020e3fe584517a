//! Who may do what: roles, their scopes, and the one decision every server function and
//! route asks for. Pure rules; the server loads the facts and calls [`decide`].

use serde::{Deserialize, Serialize};

/// A staff role. Every signed-in person is also a resident of their own accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// Confirms meter readings in some districts for some services.
    Inspector,
    /// Handles appeals addressed to one body (and its descendants).
    AppealsOfficer,
    /// Heads one body: sees and signs off what its officers do.
    HeadOfBody,
    /// Coordinates a People's Reception in one region.
    ReceptionCoordinator,
    /// Manages bodies, staff, reference data, tariffs and the calendar.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Inspector,
        Role::AppealsOfficer,
        Role::HeadOfBody,
        Role::ReceptionCoordinator,
        Role::Administrator,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Inspector => "inspector",
            Role::AppealsOfficer => "appeals_officer",
            Role::HeadOfBody => "head_of_body",
            Role::ReceptionCoordinator => "reception_coordinator",
            Role::Administrator => "administrator",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// What a role grant covers. An inspector holds district and service scopes (a reading is
/// theirs when both match); officers and heads a body; coordinators a region.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    District(String),
    Service(String),
    Body(i64),
    Region(String),
}

impl Scope {
    /// `district:1703202`, `service:gas`, `body:12`, `region:1703`: the stored form.
    pub fn encode(&self) -> String {
        match self {
            Scope::District(s) => format!("district:{s}"),
            Scope::Service(s) => format!("service:{s}"),
            Scope::Body(id) => format!("body:{id}"),
            Scope::Region(s) => format!("region:{s}"),
        }
    }

    pub fn decode(text: &str) -> Option<Scope> {
        let (kind, value) = text.split_once(':')?;
        if value.is_empty() {
            return None;
        }
        match kind {
            "district" => Some(Scope::District(value.into())),
            "service" => Some(Scope::Service(value.into())),
            "body" => value.parse().ok().map(Scope::Body),
            "region" => Some(Scope::Region(value.into())),
            _ => None,
        }
    }
}

/// One role held by a person, with what it covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub scopes: Vec<Scope>,
}

/// The signed-in person as authorization sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: i64,
    pub grants: Vec<Grant>,
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Where a sign-in lands when it was not asked for by a page: the person's work for staff
    /// (the inspector's queue, the appeals desk, the administrator's staff page), their
    /// accounts for a resident.
    pub fn landing(&self) -> &'static str {
        let roles = self.roles();
        if roles.contains(&Role::Inspector) {
            "/inspector"
        } else if roles.iter().any(|r| {
            matches!(
                r,
                Role::AppealsOfficer | Role::HeadOfBody | Role::ReceptionCoordinator
            )
        }) {
            "/desk"
        } else if roles.contains(&Role::Administrator) {
            "/admin/staff"
        } else {
            "/accounts"
        }
    }

    pub fn roles(&self) -> Vec<Role> {
        let mut roles: Vec<Role> = self.grants.iter().map(|g| g.role).collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// The regions of this person's People's Reception coordinator grants.
    pub fn coordinated_regions(&self) -> Vec<String> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::ReceptionCoordinator)
            .flat_map(|g| g.scopes.iter())
            .filter_map(|s| match s {
                Scope::Region(r) => Some(r.clone()),
                _ => None,
            })
            .collect()
    }

    /// Whether this person is the People's Reception of a region (administrators are of every
    /// region).
    pub fn coordinates(&self, region: &str) -> bool {
        self.has_role(Role::Administrator) || self.coordinated_regions().iter().any(|r| r == region)
    }

    /// Whether one of this person's inspector grants covers a district and a service.
    pub fn inspects(&self, district: &str, service: &str) -> bool {
        self.grants.iter().filter(|g| g.role == Role::Inspector).any(|g| {
            g.scopes.contains(&Scope::District(district.into()))
                && g.scopes.contains(&Scope::Service(service.into()))
        })
    }
}

/// A staff role held by someone, as the administrator's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub user_id: i64,
    pub phone: String,
    pub full_name: Option<String>,
    pub grant_id: i64,
    pub role: Role,
    pub scopes: Vec<Scope>,
}

/// What an action needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Anyone,
    /// Any signed-in person (a resident acting on their own things).
    SignedIn,
    /// Some grant of this role, whatever its scope (the scope is checked against the object).
    Role(Role),
    /// An inspector whose scope covers this district and service.
    Inspects { district: String, service: String },
    /// An appeals officer or a head of a body (the body is checked against the appeal).
    HandlesAppeals,
    /// Someone who reads appeals on the desk: an officer or head (of the appeal's body), or a
    /// People's Reception coordinator (of the appeal's region); checked against the appeal.
    SeesAppeals,
}

/// Why access was refused: not signed in at all (401), or signed in without the right (403).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Denied {
    SignInRequired,
    Forbidden,
}

/// The one decision. Administrators hold every staff role, but not a resident's ownership:
/// what belongs to a resident is checked against the object, never by role.
pub fn decide(principal: Option<&Principal>, need: &Need) -> Result<(), Denied> {
    let Some(principal) = principal else {
        return match need {
            Need::Anyone => Ok(()),
            _ => Err(Denied::SignInRequired),
        };
    };
    let admin = principal.has_role(Role::Administrator);
    let allowed = match need {
        Need::Anyone | Need::SignedIn => true,
        Need::Role(role) => admin || principal.has_role(*role),
        Need::Inspects { district, service } => admin || principal.inspects(district, service),
        Need::HandlesAppeals => {
            admin || principal.has_role(Role::AppealsOfficer) || principal.has_role(Role::HeadOfBody)
        }
        Need::SeesAppeals => {
            admin
                || principal.has_role(Role::AppealsOfficer)
                || principal.has_role(Role::HeadOfBody)
                || principal.has_role(Role::ReceptionCoordinator)
        }
    };
    if allowed { Ok(()) } else { Err(Denied::Forbidden) }
}

crate::words! {
    /// Why signing in was refused: the code in the sign-in pages' `?error=`.
    pub enum SignInProblem {
        PhoneEmpty = "phone_empty",
        PhoneChars = "phone_chars",
        PhoneLength = "phone_length",
        PhoneNotMobile = "phone_not_mobile",
        RateLimited = "rate_limited",
        /// An administrator's action asks for a fresh sign-in.
        Again = "again",
        ResendTooSoon = "resend_too_soon",
        NoCode = "no_code",
        Expired = "expired",
        TooManyTries = "too_many_tries",
        WrongCode = "wrong_code",
        CodeMalformed = "code_malformed",
    }
}

crate::words! {
    /// Why granting a staff role was refused: the code in the staff page's `?error=`.
    pub enum StaffProblem {
        Phone = "phone",
        Role = "role",
        ScopeSyntax = "scope_syntax",
        ScopeMissing = "scope_missing",
        ScopeWrong = "scope_wrong",
        ScopeUnknown = "scope_unknown",
    }
}

crate::words! {
    /// Why issuing an Open311 key was refused: the code in the keys page's `?error=`.
    pub enum ApiKeyProblem {
        Party = "party",
        PerDay = "per_day",
    }
}

/// The kept form a newly issued Open311 key is read from, once.
pub const API_KEY_ISSUED: &str = "api_key_issued";

/// An Open311 key as the administrators' page lists it (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApiKey {
    pub id: i64,
    pub party: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub per_day: i64,
    pub issued_at: i64,
    pub revoked_at: Option<i64>,
    /// Appeals filed with it.
    pub filed: i64,
}

/// The administrators' keys page: every key, and one just issued (shown this once).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApiKeys {
    pub keys: Vec<ApiKey>,
    /// The party and the key just issued.
    pub issued: Option<(String, String)>,
}

/// A person's Telegram link as their profile shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TelegramLink {
    /// Chats linked to them.
    pub chats: i64,
    /// They chose SMS for notices even when linked.
    pub by_sms: bool,
    /// The bot's address (`https://t.me/…`), when configured.
    pub bot: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inspector() -> Principal {
        Principal {
            user_id: 7,
            grants: vec![Grant {
                role: Role::Inspector,
                scopes: vec![
                    Scope::District("1703202".into()),
                    Scope::District("1703203".into()),
                    Scope::Service("gas".into()),
                ],
            }],
        }
    }

    #[test]
    fn role_codes_and_scopes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        for scope in [
            Scope::District("1703202".into()),
            Scope::Service("gas".into()),
            Scope::Body(12),
            Scope::Region("1703".into()),
        ] {
            assert_eq!(Scope::decode(&scope.encode()), Some(scope));
        }
        assert_eq!(Scope::decode("body:x"), None);
        assert_eq!(Scope::decode("district:"), None);
        assert_eq!(Scope::decode("planet:earth"), None);
    }

    #[test]
    fn nobody_signed_in_may_only_do_public_things() {
        assert_eq!(decide(None, &Need::Anyone), Ok(()));
        assert_eq!(decide(None, &Need::SignedIn), Err(Denied::SignInRequired));
        assert_eq!(
            decide(None, &Need::Role(Role::Inspector)),
            Err(Denied::SignInRequired)
        );
    }

    #[test]
    fn a_resident_has_no_staff_role() {
        let resident = Principal {
            user_id: 1,
            grants: vec![],
        };
        assert_eq!(decide(Some(&resident), &Need::SignedIn), Ok(()));
        for role in Role::ALL {
            assert_eq!(decide(Some(&resident), &Need::Role(role)), Err(Denied::Forbidden));
        }
    }

    #[test]
    fn an_inspector_inspects_only_inside_both_scopes() {
        let p = inspector();
        let inside = Need::Inspects {
            district: "1703203".into(),
            service: "gas".into(),
        };
        let other_service = Need::Inspects {
            district: "1703203".into(),
            service: "electricity".into(),
        };
        let other_district = Need::Inspects {
            district: "1726264".into(),
            service: "gas".into(),
        };
        assert_eq!(decide(Some(&p), &inside), Ok(()));
        assert_eq!(decide(Some(&p), &other_service), Err(Denied::Forbidden));
        assert_eq!(decide(Some(&p), &other_district), Err(Denied::Forbidden));
        assert_eq!(
            decide(Some(&p), &Need::Role(Role::AppealsOfficer)),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn a_coordinator_reads_appeals_but_does_not_handle_them() {
        let coordinator = Principal {
            user_id: 3,
            grants: vec![Grant {
                role: Role::ReceptionCoordinator,
                scopes: vec![Scope::Region("1726".into())],
            }],
        };
        assert_eq!(decide(Some(&coordinator), &Need::SeesAppeals), Ok(()));
        assert_eq!(
            decide(Some(&coordinator), &Need::HandlesAppeals),
            Err(Denied::Forbidden)
        );
        assert_eq!(coordinator.coordinated_regions(), ["1726"]);
        assert!(coordinator.coordinates("1726") && !coordinator.coordinates("1703"));
        assert_eq!(
            decide(Some(&inspector()), &Need::SeesAppeals),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn an_administrator_holds_every_staff_role() {
        let admin = Principal {
            user_id: 2,
            grants: vec![Grant {
                role: Role::Administrator,
                scopes: vec![],
            }],
        };
        for role in Role::ALL {
            assert_eq!(decide(Some(&admin), &Need::Role(role)), Ok(()));
        }
        let anywhere = Need::Inspects {
            district: "1735250".into(),
            service: "waste".into(),
        };
        assert_eq!(decide(Some(&admin), &anywhere), Ok(()));
    }
}
