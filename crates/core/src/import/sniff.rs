//! Guesses how a feed is laid out as text — its delimiter, whether its quotes are balanced, whether
//! it writes decimals with a comma — because the files come from tools that never say.

/// The delimiters WFM exports use, in the order a tie is broken.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many records the delimiter vote looks at.
const VOTE_RECORDS: usize = 50;

/// What a quote-aware pass over the text saw.
struct Scan {
    /// Delimiters outside quotes in each non-blank record, in order.
    counts: Vec<usize>,
    /// Byte offset of a quote that opens a field and is never closed.
    open_quote: Option<usize>,
}

/// Walks the text the way the csv reader will: a quote is special only at the start of a field,
/// and a doubled quote inside a quoted field is a literal quote.
fn scan(text: &[u8], delimiter: u8, max_records: usize) -> Scan {
    let mut counts = Vec::new();
    let (mut in_quotes, mut field_start, mut content) = (false, true, false);
    let (mut count, mut quote_at) = (0usize, 0usize);
    let mut i = 0;
    while i < text.len() && counts.len() < max_records {
        let b = text[i];
        if in_quotes {
            if b == b'"' {
                if text.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' && field_start {
            in_quotes = true;
            quote_at = i;
            field_start = false;
            content = true;
        } else if b == delimiter {
            count += 1;
            field_start = true;
        } else if b == b'\n' || b == b'\r' {
            if count > 0 || content {
                counts.push(count);
            }
            (count, field_start, content) = (0, true, false);
        } else {
            field_start = false;
            content |= !b.is_ascii_whitespace();
        }
        i += 1;
    }
    if !in_quotes && (count > 0 || content) && counts.len() < max_records {
        counts.push(count);
    }
    Scan { counts, open_quote: in_quotes.then_some(quote_at) }
}

/// The delimiter whose count per record is the same on the most records as on the header, and of
/// those the one the header has most of. A header without any candidate makes a one-column file.
pub(crate) fn delimiter(text: &str) -> u8 {
    let mut best: Option<((usize, usize), u8)> = None;
    for d in DELIMITERS {
        let counts = scan(text.as_bytes(), d, VOTE_RECORDS).counts;
        let Some((&header, rest)) = counts.split_first() else { continue };
        if header == 0 {
            continue;
        }
        let score = (rest.iter().filter(|&&c| c == header).count(), header);
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, d));
        }
    }
    best.map_or(b',', |(_, d)| d)
}

/// Byte offset of a quote that opens a field and is never closed: the csv reader would swallow
/// the rest of the file into that one cell.
pub(crate) fn unterminated_quote(text: &str, delimiter: u8) -> Option<usize> {
    // Most feeds quote nothing: one fast search for a quote saves a second pass over every byte.
    let first = text.find('"')?;
    // The walk starts at the line of the first quote: fields before it hold no quote to open.
    let line_start = text.as_bytes()[..first].iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(0, |i| i + 1);
    scan(&text.as_bytes()[line_start..], delimiter, usize::MAX).open_quote.map(|at| at + line_start)
}

/// Whether a cell is a number written with a decimal comma ("4,5", "-0,25").
pub(crate) fn is_comma_decimal(cell: &str) -> bool {
    let cell = cell.trim();
    let cell = cell.strip_prefix('-').unwrap_or(cell);
    match cell.split_once(',') {
        Some((int, frac)) => {
            !int.is_empty()
                && !frac.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_consistent_delimiter_over_a_frequent_one() {
        let text = "email;skill;level\na@x.com;Billing;4,5\nb@x.com;Sales, EMEA;3,0\n";
        assert_eq!(delimiter(text), b';', "commas in values must not outvote the semicolon");
    }

    #[test]
    fn ignores_delimiters_inside_quotes() {
        let text = "name,skill,level\n\"Doe; Jane\",\"Billing; West\",4\n\"Roe; Jim\",Sales,3\n";
        assert_eq!(delimiter(text), b',');
    }

    #[test]
    fn detects_tab_and_pipe() {
        assert_eq!(delimiter("email\tskill\tlevel\na\tb\t1\n"), b'\t');
        assert_eq!(delimiter("email|skill|level\na|b|1\n"), b'|');
    }

    #[test]
    fn one_column_file_defaults_to_comma() {
        assert_eq!(delimiter("email\na@x.com\n"), b',');
    }

    #[test]
    fn finds_an_unclosed_quote_and_accepts_embedded_newlines() {
        assert_eq!(unterminated_quote("a,b\n\"x\ny\",2\n", b','), None, "closed quote spanning lines");
        assert_eq!(unterminated_quote("a,b\nx,\"y\"\"z\"\n", b','), None, "doubled quote inside quotes");
        assert_eq!(unterminated_quote("a,b\nx,5\" screen\n", b','), None, "quote inside an unquoted field");
        assert_eq!(unterminated_quote("a,b\nx,\"open\nz,1\n", b','), Some(6));
    }

    #[test]
    fn comma_decimals_are_recognised() {
        for yes in ["4,5", " 0,25 ", "-1,0"] {
            assert!(is_comma_decimal(yes), "{yes:?} is a comma decimal");
        }
        for no in ["4", "4.5", ",5", "4,", "4,5,6", "a,b", ""] {
            assert!(!is_comma_decimal(no), "{no:?} is not a comma decimal");
        }
    }
}
