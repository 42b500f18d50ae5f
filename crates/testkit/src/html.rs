//! Reading a page's form fields the way a browser would, so tests check a
//! field's value and state rather than how its tag happens to be written.

use std::collections::BTreeMap;

/// One form control as the page renders it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    /// `text`, `checkbox`, `select`, `textarea`, …
    pub kind: String,
    /// The value it submits: an input's `value`, a select's selected
    /// option, a textarea's text.
    pub value: String,
    pub checked: bool,
    pub disabled: bool,
    pub id: Option<String>,
    /// The ids of what describes it (`aria-describedby`): a hint, an error.
    pub described_by: Option<String>,
}

/// The attributes of a start tag's body (`name="x" checked …`).
fn attributes(tag: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = tag.trim_start();
    while !rest.is_empty() {
        let end = rest.find(|c: char| c.is_whitespace() || c == '=').unwrap_or(rest.len());
        let name = rest[..end].trim_end_matches('/').to_ascii_lowercase();
        rest = &rest[end..];
        let value = if let Some(after) = rest.strip_prefix('=') {
            if let Some(quoted) = after.strip_prefix('"') {
                let close = quoted.find('"').unwrap_or(quoted.len());
                rest = quoted.get(close + 1..).unwrap_or("");
                quoted[..close].to_owned()
            } else {
                let close = after.find(char::is_whitespace).unwrap_or(after.len());
                rest = &after[close..];
                after[..close].to_owned()
            }
        } else {
            String::new()
        };
        if !name.is_empty() {
            out.insert(name, unescape(&value));
        }
        rest = rest.trim_start();
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every `(start tag body, position after the tag)` of `<name …>` in `html`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<(&'a str, usize)> {
    let open = format!("<{name}");
    html.match_indices(&open)
        .filter_map(|(at, _)| {
            let body_start = at + open.len();
            let next = html[body_start..].chars().next()?;
            if !(next.is_whitespace() || next == '>' || next == '/') {
                return None;
            }
            let close = html[body_start..].find('>')? + body_start;
            Some((&html[body_start..close], close + 1))
        })
        .collect()
}

/// The controls named `name` on the page (radio buttons and repeated
/// checkboxes share a name), in page order.
pub fn fields(html: &str, name: &str) -> Vec<Field> {
    let mut out = Vec::new();
    for (tag, _) in tags(html, "input") {
        let a = attributes(tag);
        if a.get("name").map(String::as_str) == Some(name) {
            out.push(Field {
                kind: a.get("type").cloned().unwrap_or_else(|| "text".into()),
                value: a.get("value").cloned().unwrap_or_default(),
                checked: a.contains_key("checked"),
                disabled: a.contains_key("disabled"),
                id: a.get("id").cloned(),
                described_by: a.get("aria-describedby").cloned(),
            });
        }
    }
    for (tag, after) in tags(html, "select") {
        let a = attributes(tag);
        if a.get("name").map(String::as_str) != Some(name) {
            continue;
        }
        let end = html[after..].find("</select>").map_or(html.len(), |e| e + after);
        let selected = tags(&html[after..end], "option")
            .into_iter()
            .map(|(o, _)| attributes(o))
            .find(|o| o.contains_key("selected"))
            .and_then(|o| o.get("value").cloned())
            .unwrap_or_default();
        out.push(Field {
            kind: "select".into(),
            value: selected,
            disabled: a.contains_key("disabled"),
            id: a.get("id").cloned(),
            described_by: a.get("aria-describedby").cloned(),
            ..Field::default()
        });
    }
    for (tag, after) in tags(html, "textarea") {
        let a = attributes(tag);
        if a.get("name").map(String::as_str) != Some(name) {
            continue;
        }
        let end = html[after..].find("</textarea>").map_or(html.len(), |e| e + after);
        out.push(Field {
            kind: "textarea".into(),
            value: unescape(&html[after..end]),
            disabled: a.contains_key("disabled"),
            id: a.get("id").cloned(),
            described_by: a.get("aria-describedby").cloned(),
            ..Field::default()
        });
    }
    out
}

/// The one control named `name`; panics (naming it) when there is none.
pub fn field(html: &str, name: &str) -> Field {
    fields(html, name)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no field named {name} on the page"))
}

/// Whether any control on the page submits `value` (an input's value or an
/// option of a select).
pub fn offers_value(html: &str, value: &str) -> bool {
    tags(html, "input")
        .into_iter()
        .chain(tags(html, "option"))
        .any(|(t, _)| attributes(t).get("value").map(String::as_str) == Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inputs_selects_and_textareas() {
        let page = r#"<form><input id="c" name="marketing_email" type="checkbox" value="on" checked>
            <input name="email" value="a&amp;b@example.org">
            <select name="tz"><option value="UTC">UTC</option><option value="Asia/Tokyo" selected>Tokyo</option></select>
            <textarea name="bio">Hi &lt;3</textarea><input name="x" type="checkbox" value="on" disabled></form>"#;
        let m = field(page, "marketing_email");
        assert!(m.checked && !m.disabled && m.kind == "checkbox" && m.id.as_deref() == Some("c"));
        assert_eq!(field(page, "email").value, "a&b@example.org");
        assert_eq!(field(page, "tz").value, "Asia/Tokyo");
        assert_eq!(field(page, "bio").value, "Hi <3");
        assert!(field(page, "x").disabled && !field(page, "x").checked);
        assert!(fields(page, "missing").is_empty());
        assert!(offers_value(page, "UTC") && !offers_value(page, "Europe/Madrid"));
    }
}
