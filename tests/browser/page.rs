//! Using a page the way a person does: controls are found by their visible
//! `<label>` and buttons and links by their text (SPEC §4), never by CSS
//! paths. A helper that cannot find what it was asked for fails with the
//! words it looked for and the page it was on.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

/// How long a page may take to answer a click.
const PAGE_DEADLINE: Duration = Duration::from_secs(15);

pub const PASSWORD: &str = "demo-password";

pub struct Page {
    client: Client,
    base: String,
}

impl Page {
    pub fn new(client: Client, base: String) -> Page {
        Page { client, base }
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }

    /// Resizes the browser window (for a screenshot of a long page).
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("the window resizes");
    }

    /// Opens `path` on the app, as if typed into the address bar.
    pub async fn visit(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    /// The path (and query) of the page on screen.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Signs in on the sign-in page with the demo password.
    pub async fn sign_in(&self, username: &str) {
        self.visit("/login").await;
        self.fill("Username", username).await;
        self.fill("Password", PASSWORD).await;
        self.click_button("Sign in").await;
        assert_ne!(
            self.path().await,
            "/login",
            "{username} is signed in (the page says: {:?})",
            self.texts("[role=alert]").await
        );
    }

    /// Presses "Sign out" (on every page) and lands on the sign-in page.
    pub async fn sign_out(&self) {
        self.click_button("Sign out").await;
        assert!(
            self.path().await.starts_with("/login"),
            "signing out leads to the sign-in page"
        );
    }

    /// The whole page, for finding labels, buttons and links anywhere.
    pub fn everywhere(&self) -> Scope<'_> {
        Scope {
            page: self,
            xpath: String::new(),
            description: "the page".to_owned(),
        }
    }

    /// The table row that links to `link_text` (e.g. "Case 3"): for the
    /// per-row forms of the task list.
    pub fn row_with_link(&self, link_text: &str) -> Scope<'_> {
        Scope {
            page: self,
            xpath: format!("//tr[.//a[normalize-space()={}]]", literal(link_text)),
            description: format!("the row linking to {link_text:?}"),
        }
    }

    pub async fn fill(&self, label: &str, value: &str) {
        self.everywhere().fill(label, value).await;
    }

    pub async fn click_button(&self, text: &str) {
        self.everywhere().click_button(text).await;
    }

    pub async fn follow_link(&self, text: &str) {
        self.everywhere().follow_link(text).await;
    }

    /// The text of the page's `<h1>`.
    pub async fn heading(&self) -> String {
        self.texts("h1")
            .await
            .into_iter()
            .next()
            .unwrap_or_default()
    }

    /// The whitespace-normalised text of every element matching `css`: for
    /// reading what the page says (the SPEC names these classes), not for
    /// finding controls.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let elements = self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default();
        let mut texts = Vec::with_capacity(elements.len());
        for element in elements {
            texts.push(normalise(&element.text().await.unwrap_or_default()));
        }
        texts
    }

    /// The `attribute` of every element matching `css`.
    pub async fn attrs(&self, css: &str, attribute: &str) -> Vec<String> {
        let elements = self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default();
        let mut values = Vec::with_capacity(elements.len());
        for element in elements {
            if let Ok(Some(value)) = element.attr(attribute).await {
                values.push(value);
            }
        }
        values
    }

    /// The value in the definition list next to the term `term` (the case
    /// page's "Cancellation", "Refund", "Save task" …).
    pub async fn fact(&self, term: &str) -> String {
        let xpath = format!(
            "//dt[normalize-space()={}]/following-sibling::dd[1]",
            literal(term)
        );
        let element = self.find(&xpath, &format!("the fact {term:?}")).await;
        normalise(&element.text().await.unwrap_or_default())
    }

    /// What a person sees in the control labelled `label`: the typed text,
    /// or the chosen option of a select.
    pub async fn value_of(&self, label: &str) -> String {
        let control = self.everywhere().control(label).await;
        if control.tag_name().await.expect("a tag name") == "select" {
            for option in control
                .find_all(Locator::XPath("./option"))
                .await
                .unwrap_or_default()
            {
                if option.is_selected().await.unwrap_or(false) {
                    return normalise(&option.text().await.unwrap_or_default());
                }
            }
            String::new()
        } else {
            control
                .prop("value")
                .await
                .ok()
                .flatten()
                .unwrap_or_default()
        }
    }

    /// The error message shown next to the control labelled `label` (in the
    /// same field as the label), and whether the control is marked invalid.
    pub async fn error_next_to(&self, label: &str) -> Option<String> {
        let label_xpath = format!("//label[normalize-space()={}]", literal(label));
        let xpath = format!(
            "{label_xpath}/parent::*//*[contains(concat(' ', normalize-space(@class), ' '), ' field-error ')]"
        );
        let error = self.client.find(Locator::XPath(&xpath)).await.ok()?;
        let control = self.everywhere().control(label).await;
        let invalid = control.attr("aria-invalid").await.ok().flatten();
        assert_eq!(
            invalid.as_deref(),
            Some("true"),
            "the control labelled {label:?} is marked invalid"
        );
        Some(normalise(&error.text().await.unwrap_or_default()))
    }

    /// Runs axe-core (its source in `axe`) on the page on screen with the
    /// WCAG 2.2 AA tags of SPEC §13; each violation as "rule: element, …".
    pub async fn axe_violations(&self, axe: &str) -> Vec<String> {
        self.client
            .execute(axe, Vec::new())
            .await
            .expect("axe-core loads into the page");
        let run = r#"
            const done = arguments[arguments.length - 1];
            const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
            axe.run(document, { runOnly: { type: 'tag', values: tags } })
              .then(result => done(result.violations.map(v =>
                  v.id + ' (' + v.help + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
              .catch(error => done(['axe could not run: ' + error]));
        "#;
        let found = self
            .client
            .execute_async(run, Vec::new())
            .await
            .expect("axe-core runs");
        serde_json::from_value(found).expect("a list of violations")
    }

    /// Presses keys on whatever has the focus, as a person at the keyboard.
    pub async fn press(&self, keys: &str) {
        let focused = self
            .client
            .active_element()
            .await
            .expect("an element with the focus");
        focused
            .send_keys(keys)
            .await
            .unwrap_or_else(|e| panic!("pressing {keys:?}: {e}"));
    }

    /// Presses Tab until the control labelled `label` has the focus.
    pub async fn tab_to(&self, label: &str) {
        let target = self.everywhere().control(label).await;
        let id = target.attr("id").await.ok().flatten().unwrap_or_default();
        let tab = char::from(fantoccini::key::Key::Tab).to_string();
        for _ in 0..80 {
            let focused = self.client.active_element().await.ok();
            let focused_id = match focused {
                Some(element) => element.attr("id").await.ok().flatten(),
                None => None,
            };
            if focused_id.as_deref() == Some(id.as_str()) {
                return;
            }
            self.press(&tab).await;
        }
        panic!("Tab never reached {label:?} on {}", self.path().await);
    }

    /// Presses Tab until the element with `id` has the focus.
    pub async fn tab_to_id(&self, id: &str) {
        let tab = char::from(fantoccini::key::Key::Tab).to_string();
        for _ in 0..80 {
            if let Ok(element) = self.client.active_element().await
                && element.attr("id").await.ok().flatten().as_deref() == Some(id)
            {
                return;
            }
            self.press(&tab).await;
        }
        panic!("Tab never reached #{id} on {}", self.path().await);
    }

    /// The save task on `/tasks` that links to case `case`.
    pub async fn task_of_case(&self, case: u32) -> String {
        let row = self.row_with_link(&format!("Case {case}"));
        let form = self
            .find(
                &format!("{}//form[contains(@action, '/outcome')]", row.xpath),
                "the task's outcome form",
            )
            .await;
        let action = form.attr("action").await.ok().flatten().unwrap_or_default();
        action
            .trim_start_matches("/tasks/")
            .trim_end_matches("/outcome")
            .to_owned()
    }

    /// Takes the label (and any other name) away from the control labelled
    /// `label`: a deliberately broken page, to see the check catch it.
    pub async fn remove_label_of(&self, label: &str) {
        let control = self.everywhere().control(label).await;
        let id = control
            .attr("id")
            .await
            .ok()
            .flatten()
            .expect("the control has an id");
        let script = r#"
            const id = arguments[0];
            document.querySelectorAll('label[for="' + id + '"]').forEach(l => l.remove());
            const control = document.getElementById(id);
            ['aria-label', 'aria-labelledby', 'placeholder', 'title'].forEach(a => control.removeAttribute(a));
        "#;
        self.client
            .execute(script, vec![serde_json::Value::String(id)])
            .await
            .expect("the label is removed");
    }

    /// Presses Tab until the button saying `text` has the focus.
    pub async fn tab_to_button(&self, text: &str) {
        let tab = char::from(fantoccini::key::Key::Tab).to_string();
        for _ in 0..80 {
            if let Ok(element) = self.client.active_element().await
                && element.tag_name().await.is_ok_and(|t| t == "button")
                && normalise(&element.text().await.unwrap_or_default()) == text
            {
                return;
            }
            self.press(&tab).await;
        }
        panic!(
            "Tab never reached the button {text:?} on {}",
            self.path().await
        );
    }

    /// Presses a key that leaves the page (Enter on a button, a link) and
    /// waits for the next one.
    pub async fn press_and_wait_for_next_page(&self, keys: &str) {
        let old_root = self
            .client
            .find(Locator::XPath("/html"))
            .await
            .expect("the page's root element");
        self.press(keys).await;
        let deadline = Deadline::new(format!("the page after pressing {keys:?}"));
        while old_root.tag_name().await.is_ok() {
            deadline.tick().await;
        }
    }

    /// Saves the viewport as `name` in `$RD_SCREENSHOTS` when it is set.
    pub async fn screenshot(&self, name: &str) {
        let Some(folder) = std::env::var_os("RD_SCREENSHOTS").filter(|f| !f.is_empty()) else {
            return;
        };
        let folder = PathBuf::from(folder);
        std::fs::create_dir_all(&folder).expect("the screenshot folder");
        let png = self.client.screenshot().await.expect("a screenshot");
        let path = folder.join(name);
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        eprintln!("saved {}", path.display());
    }

    /// Waits for `xpath` to match, failing with `what` after the deadline.
    async fn find(&self, xpath: &str, what: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(PAGE_DEADLINE)
            .for_element(Locator::XPath(xpath))
            .await
        {
            Ok(element) => element,
            Err(e) => {
                let why = match e {
                    fantoccini::error::CmdError::WaitTimeout => format!("waited {PAGE_DEADLINE:?}"),
                    other => other.to_string(),
                };
                panic!(
                    "no {what} on {} ({why}); the page's headings: {:?}",
                    self.path().await,
                    self.texts("h1, h2").await
                )
            }
        }
    }

    /// Clicks `element` and waits until the browser shows the next page:
    /// the old document is gone (its root element is stale).
    async fn click_and_wait_for_next_page(&self, element: Element, what: &str) {
        let old_root = self
            .client
            .find(Locator::XPath("/html"))
            .await
            .expect("the page's root element");
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {what}: {e}"));
        let deadline = Deadline::new(format!("the page after clicking {what}"));
        while old_root.tag_name().await.is_ok() {
            deadline.tick().await;
        }
    }
}

/// A part of the page (the whole page, or one table row) in which controls
/// are looked up.
pub struct Scope<'a> {
    page: &'a Page,
    xpath: String,
    description: String,
}

impl Scope<'_> {
    /// Finds the `<label>` reading `label`, follows its `for` to the control
    /// and fills it: types into an input or textarea, or chooses the option
    /// of a select whose visible text is `value` (or starts with `value (`,
    /// as in "Essentials (Essentials)").
    pub async fn fill(&self, label: &str, value: &str) {
        let control = self.control(label).await;
        let tag = control.tag_name().await.expect("a tag name");
        if tag == "select" {
            let option = format!(
                "./option[normalize-space()={v} or starts-with(normalize-space(), concat({v}, ' ('))]",
                v = literal(value)
            );
            let option = control
                .find(Locator::XPath(&option))
                .await
                .unwrap_or_else(|_| {
                    panic!("the select labelled {label:?} has no option {value:?}")
                });
            option
                .click()
                .await
                .unwrap_or_else(|e| panic!("choosing {value:?} in {label:?}: {e}"));
        } else {
            control.clear().await.expect("clearing the field");
            control
                .send_keys(value)
                .await
                .unwrap_or_else(|e| panic!("typing into {label:?}: {e}"));
        }
    }

    /// Clicks the `<button>` reading `text` and waits for the next page.
    pub async fn click_button(&self, text: &str) {
        let xpath = format!(
            "{}//button[normalize-space()={}]",
            self.xpath,
            literal(text)
        );
        let what = format!("a button {text:?} in {}", self.description);
        let button = self.page.find(&xpath, &what).await;
        self.page.click_and_wait_for_next_page(button, &what).await;
    }

    /// Clicks the link reading `text` and waits for the next page.
    pub async fn follow_link(&self, text: &str) {
        let xpath = format!("{}//a[normalize-space()={}]", self.xpath, literal(text));
        let what = format!("a link {text:?} in {}", self.description);
        let link = self.page.find(&xpath, &what).await;
        self.page.click_and_wait_for_next_page(link, &what).await;
    }

    /// All the text in this part of the page.
    pub async fn text(&self) -> String {
        let xpath = if self.xpath.is_empty() {
            "//body".to_owned()
        } else {
            self.xpath.clone()
        };
        let element = self.page.find(&xpath, &self.description).await;
        normalise(&element.text().await.unwrap_or_default())
    }

    /// The control that the `<label>` reading `label` is for.
    pub async fn control(&self, label: &str) -> Element {
        let xpath = format!(
            "{}//label[normalize-space()={}]",
            self.xpath,
            literal(label)
        );
        let what = format!("<label> reading {label:?} in {}", self.description);
        let label_element = self.page.find(&xpath, &what).await;
        let id = label_element
            .attr("for")
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("the {what} has no `for`"));
        self.page
            .find(
                &format!("//*[@id={}]", literal(&id)),
                &format!("control with id {id:?} (for the {what})"),
            )
            .await
    }
}

/// Polls a condition until a deadline, then fails naming what it waited for.
pub struct Deadline {
    until: Instant,
    what: String,
}

impl Deadline {
    pub fn new(what: impl Into<String>) -> Deadline {
        Deadline {
            until: Instant::now() + PAGE_DEADLINE,
            what: what.into(),
        }
    }

    /// Fails once the deadline has passed; otherwise waits a moment before
    /// the caller looks again.
    pub async fn tick(&self) {
        assert!(
            Instant::now() < self.until,
            "timed out after {PAGE_DEADLINE:?} waiting for {}",
            self.what
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `text` as an XPath string literal (XPath 1.0 has no escapes).
pub fn literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
