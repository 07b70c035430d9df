//! Turns the bytes of a feed into text: WFM systems and spreadsheets write UTF-8 (with or without a
//! BOM), UTF-16 ("Unicode text", with or without a BOM) and Windows-1252, and none of them says which.

use crate::error::{Error, Result};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use std::borrow::Cow;

/// How much of the file the sniffing looks at: enough for a stable answer, little enough to be free.
const SAMPLE: usize = 64 * 1024;

/// The file's text and the name of the encoding it was written in.
pub(crate) fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str)> {
    if bytes.is_empty() {
        return Err(Error::Unreadable("the file is empty: export the feed again".into()));
    }
    if let Some(kind) = container_kind(bytes) {
        return Err(Error::Unreadable(format!(
            "this is {kind}, not a CSV file: save or export it as CSV (comma- or tab-separated text)"
        )));
    }
    let (text, name) = if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let name = if encoding == UTF_8 { "UTF-8 (BOM)" } else { encoding.name() };
        (decode_as(encoding, &bytes[bom..]), name)
    } else if let Some(encoding) = utf16_by_nul_pattern(bytes) {
        (decode_as(encoding, bytes), encoding.name())
    } else if let Some(at) = memchr::memchr(0, bytes) {
        return Err(stray_nul(bytes, at).unwrap_or_else(binary));
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (Cow::Borrowed(text), "UTF-8")
    } else {
        let encoding = guess_legacy(bytes);
        (decode_as(encoding, bytes), encoding.name())
    };
    if looks_binary(&text) {
        return Err(binary());
    }
    Ok((text, name))
}

fn binary() -> Error {
    Error::Unreadable(
        "the file holds binary data, not text: export the feed as CSV (UTF-8, UTF-16 or Windows-1252)".into(),
    )
}

/// A text feed with a few NUL bytes (a corrupted copy, a tool padding one field) is named by the
/// line of the first one, since the user sees text when opening it; many NULs are binary data.
fn stray_nul(bytes: &[u8], first: usize) -> Option<Error> {
    let nuls = bytes.iter().filter(|&&b| b == 0).count();
    if nuls > 8 || nuls * 20 > bytes.len() {
        return None;
    }
    let line = 1 + bytes[..first].iter().filter(|&&b| b == b'\n').count();
    Some(Error::Unreadable(format!(
        "line {line} holds a NUL byte (binary data), which no text feed has: delete it, or export the feed \
         again as CSV"
    )))
}

/// Spreadsheets and archives are the usual wrong file; naming them tells the user what to do.
fn container_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some("an Excel workbook (.xlsx) or another zip archive")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("an old-style Excel workbook (.xls)")
    } else if bytes.starts_with(b"%PDF") {
        Some("a PDF document")
    } else {
        None
    }
}

/// Broken sequences become U+FFFD rather than an error: a few are tolerable (a UTF-16 file cut in
/// the middle of a character is still a feed), and many are caught by the binary check.
fn decode_as<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> Cow<'a, str> {
    encoding.decode_without_bom_handling(bytes).0
}

/// UTF-16 text without a BOM has a NUL in every other byte for ASCII characters: in the odd bytes
/// for little-endian, in the even bytes for big-endian. Binary files have NULs in both.
fn utf16_by_nul_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(SAMPLE)];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let many = |n: usize| n * 10 >= pairs * 4;
    let few = |n: usize| n * 20 <= pairs;
    if many(odd) && few(even) {
        Some(UTF_16LE)
    } else if many(even) && few(odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Bytes that are not UTF-8 are almost always Windows-1252 in this trade; chardetng is asked only
/// so that another legacy encoding (Central European, Cyrillic) is not mangled as 1252.
fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(&bytes[..bytes.len().min(SAMPLE)], bytes.len() <= SAMPLE);
    let (guess, confident) = detector.guess_assess(None, false);
    if confident && guess != UTF_8 {
        guess
    } else {
        WINDOWS_1252
    }
}

/// Text in which more than one character in twenty is a control character (other than tab and line
/// breaks) or an undecodable sequence is not a feed.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars().take(SAMPLE) {
        total += 1;
        if (c.is_control() && !matches!(c, '\t' | '\r' | '\n')) || c == '\u{FFFD}' {
            bad += 1;
        }
    }
    bad * 20 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if big_endian { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] });
        }
        for unit in text.encode_utf16() {
            let b = if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() };
            out.extend_from_slice(&b);
        }
        out
    }

    #[test]
    fn plain_utf8_is_borrowed_and_named() {
        let (text, name) = decode("email,skill\n".as_bytes()).expect("utf-8 decodes");
        assert_eq!(name, "UTF-8");
        assert!(matches!(text, Cow::Borrowed(_)), "valid UTF-8 must not be copied");
    }

    #[test]
    fn utf8_bom_is_stripped_and_reported() {
        let (text, name) = decode(b"\xEF\xBB\xBFemail\n").expect("decodes");
        assert_eq!((text.as_ref(), name), ("email\n", "UTF-8 (BOM)"));
    }

    #[test]
    fn utf16_with_and_without_bom_in_both_byte_orders() {
        let sample = "email\tskill\nzoë@example.com\tBilling\n";
        for big in [false, true] {
            for bom in [true, false] {
                let bytes = utf16(sample, big, bom);
                let (text, name) = decode(&bytes).expect("utf-16 decodes");
                assert_eq!(text, sample, "big endian {big}, bom {bom}");
                assert_eq!(name, if big { "UTF-16BE" } else { "UTF-16LE" }, "big endian {big}, bom {bom}");
            }
        }
    }

    #[test]
    fn windows_1252_is_recognised_when_not_utf8() {
        let (bytes, _, _) = WINDOWS_1252.encode("name;skill;level\nMüller;Qualité;4\nGaëlle;Français;3\n");
        let (text, name) = decode(&bytes).expect("1252 decodes");
        assert_eq!(name, "windows-1252");
        assert!(text.contains("Müller") && text.contains("Français"), "decoded text: {text}");
    }

    #[test]
    fn empty_binary_and_workbooks_are_unreadable() {
        let cases: [(&[u8], &str); 4] = [
            (b"", "empty"),
            (b"PK\x03\x04\x14\x00rest", ".xlsx"),
            (b"email,skill\n\x00\x01\x02\x00\x00\x07\x00x", "binary"),
            (b"\x01\x02\x03\x04\x05\x06\x07\x08abc", "binary"),
        ];
        for (bytes, what) in cases {
            let err = decode(bytes).expect_err(what);
            assert_eq!(err.code(), "input.unreadable", "{what}: {err}");
            assert!(err.to_string().contains(what), "message should say '{what}': {err}");
        }
    }

    #[test]
    fn a_stray_nul_in_a_text_feed_names_its_line() {
        let err = decode(b"email,skill,level\na@x.com,Billing,4\nb@x.com,Sa\x00les,3\n").expect_err("nul");
        assert_eq!(err.code(), "input.unreadable");
        assert!(err.to_string().starts_with("line 3 holds a NUL byte"), "{err}");
    }
}
