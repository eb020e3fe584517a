pub mod about;
pub mod home;
pub mod not_found;
pub mod region;
pub mod regions;
