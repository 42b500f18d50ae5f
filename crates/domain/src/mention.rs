//! Mentions: text Koine writes into one person's records about another (a
//! lesson notice to the teacher about the learner, its email) holds a mark
//! where the other person's name goes, and the row names them by id. The
//! name is put in only when the text is shown or sent, so once the other
//! person is erased (the id cleared) their name is in nobody's records.

/// Where the mentioned person's name goes. Fluent arguments carry it in
/// place of the name; it passes through escaping unchanged.
pub const MARK: &str = "{about}";

/// `text` with the mentioned person's name (or, once they are gone, what
/// the reader's language calls a former member) in place of the mark.
pub fn render(text: &str, name: &str) -> String {
    text.replace(MARK, name)
}

/// Whether `text` mentions someone.
pub fn mentions(text: &str) -> bool {
    text.contains(MARK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_goes_where_the_mark_is() {
        let text = format!("{MARK} asked for a lesson on Tuesday");
        assert!(mentions(&text));
        assert_eq!(render(&text, "Ana"), "Ana asked for a lesson on Tuesday");
        assert!(!mentions("Your payout was sent"));
        assert_eq!(render("no mark", "Ana"), "no mark");
    }
}
