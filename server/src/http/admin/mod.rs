//! The administrators' forms: staff and their roles, reconciliation, price lists, the
//! calendar of working days, the tree of bodies, and Open311 keys. Each asks for a recent
//! sign-in.

mod api_keys;
mod appeals;
mod reconcile;
mod staff;
mod tariffs;

use crate::http::area::Area;

pub fn router() -> Area {
    Area::new()
        .post("/admin/staff", staff::grant)
        .post("/admin/staff/{id}/revoke", staff::revoke)
        .post("/admin/reconcile", reconcile::reconcile)
        .post("/admin/tariffs", tariffs::add_price_list)
        .post("/admin/calendar", appeals::calendar_day)
        .post("/admin/terms", appeals::save_terms)
        .post("/admin/bodies", appeals::save_body)
        .post("/admin/api-keys", api_keys::issue)
        .post("/admin/api-keys/{id}/revoke", api_keys::revoke)
}
