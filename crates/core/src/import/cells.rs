//! Reading one cell's text as a value: feeds pad cells with spaces and stray quotes and write
//! numbers with a decimal comma, and none of that should cost the user a mapping.

/// The cell without surrounding whitespace and without one pair of surrounding quotes (a quoted
/// field after a space is left quoted by the csv reader).
pub(crate) fn clean(cell: &str) -> &str {
    let t = cell.trim();
    for q in ['"', '\''] {
        if let Some(inner) = t.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner.trim();
        }
    }
    t
}

/// A plain decimal number ("4", "4.5", "-1", and "4,5" when the file uses a decimal comma).
/// Exponents, `inf`, `nan`, thousands separators and percentages are not proficiencies, nor is a
/// string of digits too long for a float (it would read as infinity). "-0" reads as 0.
pub(crate) fn number(cell: &str, decimal_comma: bool) -> Option<f64> {
    let body = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let mut seps = 0;
    let mut digits = 0;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => seps += 1,
            b',' if decimal_comma => seps += 1,
            _ => return None,
        }
    }
    if digits == 0 || seps > 1 || body.starts_with(['.', ',']) || body.ends_with(['.', ',']) {
        return None;
    }
    let parsed: Result<f64, _> =
        if decimal_comma && body.contains(',') { cell.replace(',', ".").parse() } else { cell.parse() };
    // Adding zero turns -0 into 0, so a "-0" cell never reaches a report or a request as "-0".
    parsed.ok().filter(|v| v.is_finite()).map(|v| v + 0.0)
}

/// The number before a `%` ("85%", "85 %"), for files that rate skills in percent.
pub(crate) fn percent(cell: &str, decimal_comma: bool) -> Option<f64> {
    number(cell.strip_suffix('%')?.trim_end(), decimal_comma)
}

/// A cell shortened for a message, so a megabyte cell does not make a megabyte error.
pub(crate) fn shown(cell: &str) -> String {
    const MAX: usize = 40;
    match cell.char_indices().nth(MAX) {
        Some((cut, _)) => format!("\"{}…\"", &cell[..cut]),
        None => format!("\"{cell}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_strips_space_and_one_pair_of_quotes() {
        assert_eq!(clean("  3 "), "3");
        assert_eq!(clean(" \"4\" "), "4");
        assert_eq!(clean("'Expert'"), "Expert");
        assert_eq!(clean("\""), "\"", "a lone quote is kept");
    }

    #[test]
    fn numbers_parse_with_the_files_decimal_separator() {
        assert_eq!(number("4", false), Some(4.0));
        assert_eq!(number("4.5", false), Some(4.5));
        assert_eq!(number("-1", false), Some(-1.0));
        assert_eq!(number("4,5", true), Some(4.5), "decimal comma file");
        assert_eq!(number("4.5", true), Some(4.5), "a point still works in a decimal comma file");
        assert_eq!(number("4,5", false), None, "a comma is no decimal point in a comma file");
    }

    #[test]
    fn words_exponents_and_separators_are_not_numbers() {
        for bad in ["", "Expert", "A", "1e3", "inf", "NaN", "4.5.1", "1.234,5", ".5", "5.", "-", "85%"] {
            assert_eq!(number(bad, true), None, "{bad:?} is not a plain number");
        }
        let huge = format!("1{}", "0".repeat(400));
        assert_eq!(number(&huge, false), None, "400 digits overflow a float");
        assert_eq!(number("-0", false).map(f64::to_bits), Some(0f64.to_bits()), "-0 reads as 0");
    }

    #[test]
    fn percentages_are_read_only_on_request() {
        assert_eq!(percent("85%", false), Some(85.0));
        assert_eq!(percent("85 %", false), Some(85.0));
        assert_eq!(percent("85", false), None);
    }

    #[test]
    fn long_cells_are_shortened_in_messages() {
        let long = "x".repeat(1000);
        assert!(shown(&long).chars().count() < 50, "shortened: {}", shown(&long));
        assert_eq!(shown("Expert"), "\"Expert\"");
    }
}
