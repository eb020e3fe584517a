//! Who someone is and what they may do: sign-in by SMS code, sessions and the guard
//! (`auth`), and people with their roles and scopes (`users`).

pub mod auth;
pub mod users;
