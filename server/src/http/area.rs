//! A router that remembers its routes: each area's routes are registered through it, so the
//! list the authorization test walks (`http::listed_routes`) is the router itself, never a
//! copy that could drift.

use crate::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodRouter, get, post};

#[derive(Default)]
pub struct Area {
    router: Router<AppState>,
    routes: Vec<(&'static str, &'static str)>,
}

impl Area {
    pub fn new() -> Area {
        Area::default()
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Area {
        self.route("GET", path, get(handler))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Area {
        self.route("POST", path, post(handler))
    }

    /// A route with its own layers (an upload's limits): `method` names what `route` serves.
    pub fn route(mut self, method: &'static str, path: &'static str, route: MethodRouter<AppState>) -> Area {
        self.router = self.router.route(path, route);
        self.routes.push((method, path));
        self
    }

    /// A layer over every route of this area (the developer pages' loopback check).
    pub fn layered(mut self, layer: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Area {
        self.router = layer(self.router);
        self
    }

    pub fn merge(mut self, other: Area) -> Area {
        self.router = self.router.merge(other.router);
        self.routes.extend(other.routes);
        self
    }

    pub fn routes(&self) -> &[(&'static str, &'static str)] {
        &self.routes
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
