//! The layering the source tree promises (README "Layout"), checked on the
//! source itself: data flows web → services → db → domain, the procedure
//! and the domain know nothing above them, and no two files import each
//! other in a circle. A path written anywhere in a file (in a `use` or in
//! the code) counts as an import of the file that defines that module.

#![cfg(test)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A source file and the modules it names.
struct SourceFile {
    module: Vec<String>,
    imports: BTreeSet<Vec<String>>,
}

fn source_files() -> BTreeMap<PathBuf, SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable src folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&root).expect("under src").to_path_buf();
                let module = module_of(&relative);
                let text = std::fs::read_to_string(&path).expect("a readable file");
                // Unit tests at the end of a file are not part of its layering.
                let text = text.split("#[cfg(test)]\nmod ").next().unwrap_or_default();
                let imports = named_paths(&code_only(text), &module);
                files.insert(relative, SourceFile { module, imports });
            }
        }
    }
    files
}

/// `web/cases/show.rs` → [web, cases, show]; `web/mod.rs` → [web]; `lib.rs` → [].
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The text without comments and string literals, so that words in them
/// are not taken for paths.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every `crate::…`, `super::…` and `self::…` path in the code, and every
/// path of a `use` (which may start at a child module), as an absolute
/// module path, with `{a, b::c}` groups expanded.
fn named_paths(code: &str, module: &[String]) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(word_byte(bytes[i - 1]) || bytes[i - 1] == b':');
        let rest = &bytes[i..];
        let at_path = ["crate::", "super::", "self::"]
            .iter()
            .any(|head| rest.starts_with(head.as_bytes()));
        let after_use = rest.starts_with(b"use ") && starts_word;
        if starts_word && (at_path || after_use) {
            let start = if after_use { i + 4 } else { i };
            let (paths, end) = read_path(bytes, start);
            for path in paths {
                if let Some(absolute) = absolute(&path, module) {
                    found.insert(absolute);
                }
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    found
}

/// Reads `a::b::{c, d::e}` from `start`; returns the expanded paths and
/// where the path ended.
fn read_path(bytes: &[u8], start: usize) -> (Vec<Vec<String>>, usize) {
    let mut segments = Vec::new();
    let mut word = String::new();
    let mut i = start;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphanumeric() || c == b'_' {
            word.push(char::from(c));
            i += 1;
        } else if c == b':' && bytes.get(i + 1) == Some(&b':') {
            segments.push(std::mem::take(&mut word));
            i += 2;
            if bytes.get(i) == Some(&b'{') {
                let (groups, end) = read_group(bytes, i + 1);
                let paths = groups
                    .into_iter()
                    .map(|tail| segments.iter().cloned().chain(tail).collect())
                    .collect();
                return (paths, end);
            }
        } else {
            break;
        }
    }
    if !word.is_empty() {
        segments.push(word);
    }
    (vec![segments], i)
}

/// The members of a `{…}` group, each a path (nested groups expanded).
fn read_group(bytes: &[u8], start: usize) -> (Vec<Vec<String>>, usize) {
    let mut members = Vec::new();
    let mut i = start;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'}' {
            return (members, i + 1);
        }
        if c.is_ascii_alphanumeric() || c == b'_' {
            let (paths, end) = read_path(bytes, i);
            members.extend(paths);
            i = end;
        } else {
            i += 1;
        }
    }
    (members, i)
}

fn absolute(path: &[String], module: &[String]) -> Option<Vec<String>> {
    let mut result: Vec<String> = Vec::new();
    let mut rest = path.iter().peekable();
    match rest.next()?.as_str() {
        "crate" => {}
        "self" => result.extend(module.iter().cloned()),
        "super" => {
            result.extend(module.iter().cloned());
            result.pop()?;
            while rest.peek().is_some_and(|s| s.as_str() == "super") {
                rest.next();
                result.pop()?;
            }
        }
        // A `use` that starts at a child module (or another crate, which
        // then names no file of ours but this one's own module).
        _ => {
            result.extend(module.iter().cloned());
            rest = path.iter().peekable();
        }
    }
    result.extend(rest.filter(|s| s.as_str() != "self").cloned());
    Some(result)
}

/// The file that defines the longest module prefix of `path`.
fn defining_file<'a>(
    path: &[String],
    by_module: &'a BTreeMap<Vec<String>, PathBuf>,
) -> Option<&'a PathBuf> {
    (0..=path.len())
        .rev()
        .find_map(|n| by_module.get(&path[..n]))
}

fn edges() -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let files = source_files();
    let by_module: BTreeMap<Vec<String>, PathBuf> = files
        .iter()
        .filter(|(path, _)| path.as_os_str() != "main.rs")
        .map(|(path, file)| (file.module.clone(), path.clone()))
        .collect();
    files
        .iter()
        .map(|(path, file)| {
            let targets = file
                .imports
                .iter()
                .filter_map(|import| defining_file(import, &by_module))
                .filter(|target| *target != path)
                .cloned()
                .collect();
            (path.clone(), targets)
        })
        .collect()
}

fn layer(path: &Path) -> &str {
    path.iter()
        .next()
        .and_then(|p| p.to_str())
        .map_or("", |p| p.trim_end_matches(".rs"))
}

#[test]
fn web_never_reaches_into_the_database() {
    let offenders: Vec<_> = edges()
        .into_iter()
        .filter(|(path, _)| layer(path) == "web")
        .flat_map(|(path, targets)| {
            targets
                .into_iter()
                .filter(|t| layer(t) == "db")
                .map(move |t| format!("{} → {}", path.display(), t.display()))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "web names the database: {offenders:#?}"
    );
}

#[test]
fn no_layer_imports_one_above_it() {
    // What each layer may name besides itself.
    let allowed: &[(&str, &[&str])] = &[
        ("domain", &[]),
        ("procedure", &["domain"]),
        ("clock", &[]),
        ("format", &["state"]),
        ("db", &["domain"]),
        ("auth", &["domain"]),
        ("notify", &["domain", "db", "clock", "config", "state"]),
        (
            "services",
            &[
                "domain",
                "procedure",
                "db",
                "auth",
                "notify",
                "format",
                "logging",
                "limits",
                "state",
                "clock",
                "config",
                "metrics",
            ],
        ),
        ("demo", &["domain", "procedure", "db", "auth", "services"]),
        (
            "state",
            &[
                "db", "clock", "config", "auth", "notify", "limits", "metrics",
            ],
        ),
        ("limits", &["clock", "domain"]),
        ("metrics", &["db"]),
    ];
    let mut offenders = Vec::new();
    for (path, targets) in edges() {
        let from = layer(&path);
        let Some((_, may)) = allowed.iter().find(|(l, _)| *l == from) else {
            continue;
        };
        for target in targets {
            let to = layer(&target);
            if to != from && !may.contains(&to) {
                offenders.push(format!("{} → {}", path.display(), target.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "imports against the layering: {offenders:#?}"
    );
}

#[test]
fn no_two_files_import_each_other_in_a_circle() {
    let graph = edges();
    // Tarjan's strongly connected components: a component of more than one
    // file is a cycle.
    struct Walk<'a> {
        graph: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on_stack: BTreeSet<&'a PathBuf>,
        cycles: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, node: &'a PathBuf) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            self.on_stack.insert(node);
            for next in self.graph.get(node).into_iter().flatten() {
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack.remove(member);
                    component.push(member.display().to_string());
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.cycles.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        cycles: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node) {
            walk.visit(node);
        }
    }
    assert!(
        walk.cycles.is_empty(),
        "files in a circle: {:#?}",
        walk.cycles
    );
}

#[test]
fn the_checker_sees_imports() {
    let module = vec!["web".to_owned(), "cases".to_owned(), "show".to_owned()];
    let code = "use crate::services::{Actor, cases::view::{CaseView, open_case}};\nlet x = super::Choice::new(1);";
    let paths = named_paths(code, &module);
    assert!(paths.contains(&vec!["services".to_owned(), "Actor".to_owned()]));
    assert!(paths.contains(&vec![
        "services".to_owned(),
        "cases".to_owned(),
        "view".to_owned(),
        "open_case".to_owned()
    ]));
    assert!(paths.contains(&vec![
        "web".to_owned(),
        "cases".to_owned(),
        "Choice".to_owned(),
        "new".to_owned()
    ]));
}
