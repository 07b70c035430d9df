//! Text that came from outside, handled where a careless line would break: cells a spreadsheet
//! would run as formulas (neutralised in every file Skillsync writes, restored when it reads one
//! back), and prefixes of strings from plan and journal files cut on a character boundary.

use std::borrow::Cow;

/// The characters a spreadsheet reads as the start of a formula (OWASP's list).
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Whether the cell, after any leading `'`, starts a formula: the cells [`neutralise`] marks.
fn marked(cell: &str) -> bool {
    cell.trim_start_matches('\'').chars().next().is_some_and(starts_formula)
}

/// Prefixes `'` to a cell a spreadsheet would run as a formula (`=` `+` `-` `@`, tab, carriage
/// return), so the report, the undo file and the export open as text. A cell that already starts
/// with `'` before such a character gets one more, so [`restore`] gives back exactly what was
/// written. Proficiencies are never negative, so numbers pass unchanged.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if marked(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The name a neutralised cell stands for: one leading `'` removed where [`neutralise`] would
/// have put it (before `=` `+` `-` `@`, tab or carriage return, after any further `'`). Every
/// other cell — "'Expert'", "O'Brien", "'s Hertogenbosch" — is returned as it is.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if marked(rest) => rest,
        _ => cell,
    }
}

/// At most the first `chars` characters of `s`: a cut that never falls inside a character, for
/// strings read from files (a hash edited by hand may hold anything).
pub fn prefix(s: &str, chars: usize) -> &str {
    s.char_indices().nth(chars).map_or(s, |(end, _)| &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_plain_cells_untouched() {
        for risky in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "'=x", "''@x"] {
            assert_eq!(neutralise(risky), format!("'{risky}"), "{risky:?} is neutralised");
        }
        for safe in ["Ana Silva", "4.5", "", "a=b", "'Expert'", "O'Brien", "'"] {
            assert_eq!(neutralise(safe), safe, "{safe:?} passes unchanged");
        }
    }

    #[test]
    fn every_neutralised_cell_restores_to_what_was_written() {
        for name in ["=HYPERLINK(\"x\")", "+1", "-Night", "@home", "'=x", "''+y", "Plain", "'Expert'", "O'Brien", ""] {
            assert_eq!(restore(&neutralise(name)), name, "{name:?} round-trips");
        }
        assert_eq!(restore("'s Hertogenbosch"), "'s Hertogenbosch", "a quote before a letter is the name's own");
    }

    #[test]
    fn prefixes_cut_on_character_boundaries() {
        assert_eq!(prefix("0123456789abcdef", 12), "0123456789ab");
        assert_eq!(prefix("short", 12), "short");
        assert_eq!(prefix("ééééééééééééé", 12), "éééééééééééé", "two-byte characters are never split");
        assert_eq!(prefix("", 12), "");
    }
}
