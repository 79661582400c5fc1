//! What every page's frame needs: the person, their role's links, the CSRF token.

use crate::domain::Role;

use super::current_user::CurrentUser;
use super::session::TypedSession;

pub struct Layout {
    pub user: Option<CurrentUser>,
    pub csrf_token: String,
    pub nav: Vec<(&'static str, &'static str)>,
}

impl Layout {
    pub fn signed_in(user: &CurrentUser, session: &TypedSession) -> Layout {
        Layout {
            user: Some(user.clone()),
            csrf_token: session.csrf_token(),
            nav: nav_for(user.role),
        }
    }

    /// A page for someone not signed in: its form token comes from the
    /// sign-in form's cookie (`web::cookies`), never from a session.
    pub fn signed_out(form_token: String) -> Layout {
        Layout {
            user: None,
            csrf_token: form_token,
            nav: Vec::new(),
        }
    }

    /// For error pages, which render without a request at hand.
    pub fn bare() -> Layout {
        Layout {
            user: None,
            csrf_token: String::new(),
            nav: Vec::new(),
        }
    }
}

fn nav_for(role: Role) -> Vec<(&'static str, &'static str)> {
    match role {
        Role::Agent => vec![("/cases/new", "New case"), ("/cases", "Cases")],
        Role::SalesRep => vec![("/tasks", "My save tasks")],
        Role::RetentionOwner => vec![
            ("/tasks", "Save tasks"),
            ("/cases", "Cases"),
            ("/reports", "Reports"),
        ],
        Role::Billing => vec![
            ("/billing", "Billing queue"),
            ("/cases", "Cases"),
            ("/reports", "Reports"),
        ],
        Role::Admin => vec![
            ("/admin", "Admin"),
            ("/admin/staff", "Staff"),
            ("/admin/servers", "Servers"),
            ("/admin/levels", "Levels"),
            ("/admin/reasons", "Reasons"),
            ("/admin/policy", "Policy"),
            ("/admin/replies", "Replies"),
            ("/admin/sla", "Service levels"),
            ("/admin/audit", "Audit log"),
            ("/cases", "Cases"),
            ("/reports", "Reports"),
        ],
    }
}
