//! Black-box tests: the real server on port 0, a fresh database per test, real HTTP.
//! They run on SQLite by default and on PostgreSQL when `TEST_POSTGRES_URL` holds an
//! admin URL (scripts/test.sh runs them both ways).

mod fakes;
mod helpers;

mod accounts;
mod appeals;
mod appeals_flow;
mod authz;
mod click;
mod files;
mod heads;
mod health;
mod hearings;
mod mahalla_seven;
mod open311;
mod pages;
mod pay;
mod payme;
mod peoples_reception;
mod problems;
mod rating;
mod readings;
mod reception_register;
mod receptions;
mod reference;
mod reports;
mod security;
mod sign_in;
mod sms;
mod startup;
mod telegram;
mod terms;
