//! Making fuzz inputs from the corpus: byte mutations, and mutations that know a feed is lines of
//! delimited cells in some encoding, and that a mapping is TOML.

use super::{Context, Input, MAX_INPUT};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use skillsync_core::mapping::Mapping;

/// Bytes worth inserting anywhere.
#[rustfmt::skip]
const TOKENS: &[&[u8]] = &[
    b",", b";", b"\t", b"|", b"\"", b"\"\"", b"'", b"\r", b"\n", b"\r\n", b"\0", b"\xEF\xBB\xBF", b"\xFF\xFE",
    b"\xFE\xFF", b":", b"%", b"=", b" ", b"\xC3", b"\xC3\xA9", b"\x80", b"\xE2\x80\xA8", b"\xC2\xA0", b"PK\x03\x04",
    b"%PDF", b"sep=;\n", b"\x1A", b"\x7F",
];

/// Cell texts worth putting in a cell: odd levels, names the tenant knows (or nearly), pairs.
#[rustfmt::skip]
const CELLS: &[&str] = &[
    "", " ", "  ", "4", "4.5", "4,5", "-0", "+4", "0", "5", "1", "20", "21", "-1", "1e400", "NaN", "inf", "4.5.1",
    "1.234,5", "85%", "100 %", "Expert", "remove", "REMOVE", "=HYPERLINK(\"mailto:a@b.c\")", "=1+1",
    "ana.garcia@example.com", "zoe.muller@example.com", "old.agent@example.com", "Jo Smith", "max.load@example.com",
    "ana.garcia", "4f7c2a10-0000-4000-8000-000000000001", "9a1e7c33-0000-4000-8000-000000000011", "Billing",
    " billing ", "Sales", "Ventes", "Email", "Load 7", "Undo A", "Billing:4;Sales:", ":4", "Billing:", "a:b:c",
    "Chat:2, Sales:4.5", "\"\"", "\"", "'4'", "\u{FEFF}", "\u{00A0}4", "４", "\u{FFFD}", "\t", "e\u{301}", "email",
    "skill", "skill_id", "proficiency", "level", "skills", "agent", "name", "username", "agent_id", "team", "rating",
    "login", "skill_name", "Skill Name", "E-Mail",
];

/// Text worth putting in a mapping file.
#[rustfmt::skip]
const TOML_TOKENS: &[&str] = &[
    "nan", "inf", "-inf", "1e308", "0", "-0", "[1, 1]", "[0, 100]", "[20, 1]", "\"wide\"", "\"packed\"", "\"long\"",
    "skill_columns = [\"Billing\", \"Sales\"]\n", "skill_pairs = \"skills\"\n", "agent_key = \"id\"\n",
    "layout = \"packed\"\n", "layout = \"wide\"\n", "[values]\n", "[scale]\nfrom = [1, 5]\nto = [0, 5]\n",
    "Expert = 5\n", "\"\" = 3\n", "\n", "\"", "=", "[columns]\n",
];

pub fn generate(ctx: &Context, seed: u64, index: u64) -> Input {
    let mut rng = StdRng::seed_from_u64(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let feed = if rng.random_range(0..100) < 3 {
        let len = rng.random_range(0..600);
        (0..len).map(|_| rng.random()).collect()
    } else {
        let mut bytes = pick_feed(ctx, &mut rng).to_vec();
        for _ in 0..rng.random_range(1..=5) {
            mutate(ctx, &mut rng, &mut bytes);
            bytes.truncate(MAX_INPUT);
        }
        bytes
    };
    let mapping = if rng.random_range(0..100) < 15 { mutated_mapping(ctx, &mut rng) } else { None };
    Input { feed, mapping }
}

/// A feed of the corpus; the few large ones are picked less often, to keep the rate up.
fn pick_feed<'c>(ctx: &'c Context, rng: &mut StdRng) -> &'c [u8] {
    loop {
        let (_, bytes) = &ctx.feeds[rng.random_range(0..ctx.feeds.len())];
        if bytes.len() < 64 * 1024 || rng.random_range(0..20) == 0 {
            return bytes;
        }
    }
}

fn mutated_mapping(ctx: &Context, rng: &mut StdRng) -> Option<Mapping> {
    let mut text = ctx.mapping_texts[rng.random_range(0..ctx.mapping_texts.len())].clone().into_bytes();
    for _ in 0..rng.random_range(1..=3) {
        if rng.random_bool(0.6) {
            let token = TOML_TOKENS[rng.random_range(0..TOML_TOKENS.len())].as_bytes();
            let at = rng.random_range(0..=text.len());
            if rng.random_bool(0.5) && at < text.len() {
                // Replace the rest of a line (often a value) with the token.
                let end = text[at..].iter().position(|&b| b == b'\n').map_or(text.len(), |e| at + e);
                text.splice(at..end, token.iter().copied());
            } else {
                text.splice(at..at, token.iter().copied());
            }
        } else {
            byte_mutation(rng, &mut text);
        }
    }
    Mapping::from_toml(&String::from_utf8_lossy(&text)).ok()
}

/// Flips, inserts, deletes, duplicates or truncates bytes.
fn byte_mutation(rng: &mut StdRng, bytes: &mut Vec<u8>) {
    if bytes.is_empty() {
        bytes.extend_from_slice(TOKENS[rng.random_range(0..TOKENS.len())]);
        return;
    }
    let at = rng.random_range(0..bytes.len());
    match rng.random_range(0..7) {
        0 => bytes[at] ^= 1 << rng.random_range(0..8),
        1 => bytes[at] = rng.random(),
        2 => {
            let token = TOKENS[rng.random_range(0..TOKENS.len())];
            bytes.splice(at..at, token.iter().copied());
        }
        3 => {
            let end = (at + rng.random_range(1..=16)).min(bytes.len());
            bytes.drain(at..end);
        }
        4 => {
            let end = (at + rng.random_range(1..=64)).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            let to = rng.random_range(0..=bytes.len());
            bytes.splice(to..to, copy);
        }
        5 => bytes.truncate(at),
        _ => {
            // A run of one byte: a long cell, or many empty columns.
            let b = if rng.random_bool(0.5) { bytes[at] } else { b"x,;\t\"\n"[rng.random_range(0..6)] };
            let n = rng.random_range(1..4_000);
            bytes.splice(at..at, std::iter::repeat_n(b, n));
        }
    }
}

/// The lines of a feed, each with its line break.
fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

/// The delimiter a line most likely uses.
fn delimiter_of(line: &[u8]) -> u8 {
    *b",;\t|".iter().max_by_key(|d| line.iter().filter(|b| b == d).count()).unwrap_or(&b',')
}

fn mutate(ctx: &Context, rng: &mut StdRng, bytes: &mut Vec<u8>) {
    let mut ls = lines(bytes);
    let n = ls.len();
    match rng.random_range(0..20) {
        0..=5 => return byte_mutation(rng, bytes),
        6 if n > 0 => {
            let i = rng.random_range(0..n);
            let copy = ls[i].clone();
            for _ in 0..rng.random_range(1..4) {
                ls.insert(rng.random_range(0..=ls.len()), copy.clone());
            }
        }
        7 if n > 1 => {
            ls.remove(rng.random_range(0..n));
        }
        8 if n > 1 => ls.swap(rng.random_range(0..n), rng.random_range(0..n)),
        9 => {
            // Swap the delimiter everywhere, or on one line.
            let from = delimiter_of(bytes);
            let to = b",;\t| "[rng.random_range(0..5)];
            let only = if n > 0 && rng.random_bool(0.5) { Some(rng.random_range(0..n)) } else { None };
            for (i, line) in ls.iter_mut().enumerate() {
                if only.is_none_or(|o| o == i) {
                    line.iter_mut().filter(|b| **b == from).for_each(|b| *b = to);
                }
            }
        }
        10 | 11 if n > 0 => {
            // Replace one cell with an odd value, quoted or not.
            let i = rng.random_range(0..n);
            let d = delimiter_of(&ls[i]);
            let mut cells: Vec<Vec<u8>> = ls[i].split(|&b| b == d).map(<[u8]>::to_vec).collect();
            let c = rng.random_range(0..cells.len());
            let keep = cells[c].len() - usize::from(cells[c].ends_with(b"\n"));
            let end = cells[c].split_off(keep);
            let value = CELLS[rng.random_range(0..CELLS.len())].as_bytes();
            cells[c] = if rng.random_bool(0.3) { [b"\"".as_slice(), value, b"\""].concat() } else { value.to_vec() };
            cells[c].extend(end);
            ls[i] = cells.join(&d);
        }
        12 if n > 0 => {
            // A quote, a NUL or a BOM at the start of a cell or a line.
            let i = rng.random_range(0..n);
            let tokens: [&[u8]; 5] = [b"\"", b"\0", b"\xEF\xBB\xBF", b"\"\"", b" \""];
            let token = tokens[rng.random_range(0..5)];
            let d = delimiter_of(&ls[i]);
            let starts: Vec<usize> = std::iter::once(0)
                .chain(ls[i].iter().enumerate().filter(|(_, b)| **b == d).map(|(p, _)| p + 1))
                .collect();
            let at = starts[rng.random_range(0..starts.len())];
            ls[i].splice(at..at, token.iter().copied());
        }
        13 => {
            // Line endings: LF, CRLF or a lone CR (old Mac).
            let text: Vec<u8> = bytes.iter().copied().filter(|&b| b != b'\r').collect();
            let eols: [&[u8]; 3] = [b"\n", b"\r\n", b"\r"];
            let eol = eols[rng.random_range(0..3)];
            *bytes = text.split(|&b| b == b'\n').collect::<Vec<_>>().join(eol);
            return;
        }
        14 => return reencode(rng, bytes),
        15 => {
            // Splice: this file's start, another file's end.
            let other = pick_feed(ctx, rng);
            let cut = rng.random_range(0..=bytes.len());
            let from = rng.random_range(0..=other.len());
            bytes.truncate(cut);
            bytes.extend_from_slice(&other[from..]);
            return;
        }
        16 if n > 0 => {
            // Another file's header.
            let other = lines(pick_feed(ctx, rng));
            if let Some(header) = other.first() {
                ls[0] = header.clone();
            }
        }
        17 if n > 0 => {
            // Many more columns on the header or on every line.
            let d = delimiter_of(&ls[0]);
            let extra = rng.random_range(1..3_000);
            let every = rng.random_bool(0.3);
            let cells: Vec<u8> = (0..extra).flat_map(|k| [vec![d], format!("c{k}").into_bytes()].concat()).collect();
            // Every line, while the file stays under the cap (a long file times 3,000 columns would
            // take seconds to make and to throw away).
            let lines = if every { (MAX_INPUT / cells.len()).max(1) } else { 1 };
            for line in ls.iter_mut().take(lines) {
                let at = line.iter().rposition(|&b| b != b'\n' && b != b'\r').map_or(0, |p| p + 1);
                line.splice(at..at, cells.iter().copied());
            }
        }
        18 if n > 1 => {
            // The body many times over.
            let body: Vec<Vec<u8>> = ls[1..].to_vec();
            for _ in 0..rng.random_range(1..50) {
                ls.extend(body.iter().cloned());
                if ls.iter().map(Vec::len).sum::<usize>() > MAX_INPUT / 2 {
                    break;
                }
            }
        }
        19 => {
            // An odd byte count (a cut UTF-16 file) or a BOM in front.
            if rng.random_bool(0.5) {
                bytes.pop();
            } else {
                let boms: [&[u8]; 3] = [b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF"];
                let bom = boms[rng.random_range(0..3)];
                bytes.splice(0..0, bom.iter().copied());
            }
            return;
        }
        _ => return byte_mutation(rng, bytes),
    }
    *bytes = ls.concat();
}

/// The text in another encoding: UTF-16 either way with or without a BOM, or Windows-1252.
fn reencode(rng: &mut StdRng, bytes: &mut Vec<u8>) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    *bytes = match rng.random_range(0..5) {
        0..=3 => {
            let big = rng.random_bool(0.5);
            let mut out: Vec<u8> = Vec::with_capacity(text.len() * 2 + 2);
            if rng.random_bool(0.5) {
                out.extend_from_slice(if big { b"\xFE\xFF" } else { b"\xFF\xFE" });
            }
            for unit in text.encode_utf16() {
                out.extend_from_slice(&if big { unit.to_be_bytes() } else { unit.to_le_bytes() });
            }
            out
        }
        _ => encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
    };
}
