//! The address a request came from, believing `X-Forwarded-For` only from
//! the one configured proxy (`RD_TRUSTED_PROXY`).

use std::net::IpAddr;

use actix_web::{HttpRequest, web};

use crate::state::AppState;

pub fn client_address(req: &HttpRequest) -> String {
    let trusted_proxy = req
        .app_data::<web::Data<AppState>>()
        .and_then(|state| state.settings.trusted_proxy);
    let peer = req.peer_addr().map(|a| a.ip());
    if peer.is_some() && peer == trusted_proxy {
        // The proxy appends the address it saw last; earlier entries are the client's to forge.
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .last();
        if let Some(client) = forwarded {
            return client.to_string();
        }
    }
    peer.map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}
