//! The `retention-desk user add` command.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use reqwest::StatusCode;

use crate::helpers::{location, spawn_app_with};

fn user_add(database: &std::path::Path, args: &[&str], password: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_retention-desk"))
        .args(["user", "add"])
        .args(args)
        .env("RD_DATABASE", database)
        .env_remove("RD_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // The command may refuse its arguments before reading the password.
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes());
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn user_add_creates_an_account_that_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("rd.sqlite3");
    let output = user_add(
        &database,
        &[
            "--username",
            "casey",
            "--name",
            "Casey Jones",
            "--role",
            "billing",
        ],
        "a long enough password",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let app = spawn_app_with(|s| {
        s.database = database.clone();
        s.demo = false;
    })
    .await;
    let browser = app.browser();
    let response = browser.sign_in("casey", "a long enough password").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&browser.get("/").await).as_deref(),
        Some("/billing")
    );
}

#[test]
fn a_duplicate_username_or_unknown_role_is_a_clear_error_with_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("rd.sqlite3");
    let args = ["--username", "casey", "--name", "Casey", "--role", "agent"];
    assert!(
        user_add(&database, &args, "a long enough password")
            .status
            .success()
    );

    let duplicate = user_add(&database, &args, "a long enough password");
    assert_eq!(duplicate.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));

    let unknown = user_add(
        &database,
        &["--username", "dana", "--name", "Dana", "--role", "boss"],
        "a long enough password",
    );
    assert_eq!(unknown.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("Unknown role") && stderr.contains("sales-rep"),
        "{stderr}"
    );

    let short = user_add(
        &database,
        &["--username", "erin", "--name", "Erin", "--role", "agent"],
        "short",
    );
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));

    let guessable = user_add(
        &database,
        &["--username", "erin", "--name", "Erin", "--role", "agent"],
        "password123456",
    );
    assert_eq!(guessable.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&guessable.stderr).contains("too easy to guess"));
}

#[tokio::test]
async fn user_add_writes_an_audit_line_like_the_admin_screen() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("rd.sqlite3");
    let args = ["--username", "casey", "--name", "Casey", "--role", "agent"];
    assert!(
        user_add(&database, &args, "a long enough password")
            .status
            .success()
    );
    let app = spawn_app_with(|s| {
        s.database = database.clone();
        s.demo = false;
    })
    .await;
    assert_eq!(
        app.audit_details(),
        [(
            "staff.added".to_owned(),
            None,
            "Added Casey (casey) as Agent from the command line".to_owned()
        )]
    );
}
