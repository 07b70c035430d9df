//! Feeds built to exhaust memory, read the way the CLI and the app read a feed: a 1.5 MB-class
//! `.xlsx` whose shared string unpacks to 1.5 GB, a sheet padded with 2 GB of blanks, an endless
//! device and a pipe that never ends. Each is refused with `input.too_large` naming the limit,
//! within 30 s and well under 600 MB of memory (the peak of this test process is checked after
//! each case; the cases run one after the other in this binary of their own).

use skillsync_core::import::{self, ReadOptions, MAX_BYTES, MAX_PART_BYTES};
use std::path::Path;
use std::time::{Duration, Instant};

const MIB: u64 = 1024 * 1024;
const MAX_PEAK_MIB: u64 = 600;
const MAX_TIME: Duration = Duration::from_secs(30);

/// A deflate stream (fixed Huffman codes) of `head`, then `run` bytes of `fill`, then `tail`:
/// each 258 bytes of the run cost 13 bits, so gigabytes fit in a few megabytes, as in a real bomb.
fn deflate_run(head: &[u8], fill: u8, run: u64, tail: &[u8]) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        /// `count` bits of `value`, lowest first (deflate's header fields).
        fn lsb(&mut self, value: u64, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code: highest bit first.
        fn code(&mut self, code: u32, len: u32) {
            let reversed = code.reverse_bits() >> (32 - len);
            self.lsb(u64::from(reversed), len);
        }
        fn literal(&mut self, b: u8) {
            if b < 144 {
                self.code(0x30 + u32::from(b), 8);
            } else {
                self.code(0x190 + u32::from(b) - 144, 9);
            }
        }
    }
    let mut bits = Bits { out: Vec::new(), acc: 0, n: 0 };
    bits.lsb(1, 1); // the last block
    bits.lsb(1, 2); // fixed Huffman codes
    head.iter().for_each(|&b| bits.literal(b));
    if run > 0 {
        bits.literal(fill);
        let mut left = run - 1;
        while left >= 258 {
            bits.code(0xC5, 8); // length 258 (code 285)
            bits.code(0, 5); // distance 1
            left -= 258;
        }
        (0..left).for_each(|_| bits.literal(fill));
    }
    tail.iter().for_each(|&b| bits.literal(b));
    bits.code(0, 7); // end of block
    bits.lsb(0, 7); // flush the last byte
    bits.out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// One part of a hand-made archive: its name, the bytes stored, the unpacked size and checksum
/// it declares, and whether it is deflated.
struct Part {
    name: &'static str,
    data: Vec<u8>,
    size: u32,
    crc: u32,
    deflated: bool,
}

fn stored(name: &'static str, text: &str) -> Part {
    Part { name, data: text.as_bytes().to_vec(), size: text.len() as u32, crc: crc32(text.as_bytes()), deflated: false }
}

/// A zip archive of the parts, written by hand so a part can hold a stream no writer would make.
fn archive(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for p in parts {
        let offset = out.len() as u32;
        let method: u16 = if p.deflated { 8 } else { 0 };
        let fixed = |buf: &mut Vec<u8>| {
            buf.extend_from_slice(&20u16.to_le_bytes()); // version needed
            buf.extend_from_slice(&0u16.to_le_bytes()); // flags
            buf.extend_from_slice(&method.to_le_bytes());
            buf.extend_from_slice(&0u32.to_le_bytes()); // time and date
            buf.extend_from_slice(&p.crc.to_le_bytes());
            buf.extend_from_slice(&(p.data.len() as u32).to_le_bytes());
            buf.extend_from_slice(&p.size.to_le_bytes());
            buf.extend_from_slice(&(p.name.len() as u16).to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // extra field
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        fixed(&mut out);
        out.extend_from_slice(p.name.as_bytes());
        out.extend_from_slice(&p.data);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        fixed(&mut central);
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(p.name.as_bytes());
    }
    let at = out.len() as u32;
    let count = parts.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Levels" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>skill</t></is></c><c r="C1" t="inlineStr"><is><t>level</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>ana.lee@example.com</t></is></c><c r="B2" t="inlineStr"><is><t>Billing</t></is></c><c r="C2"><v>3</v></c></row>"#;
const SHEET_TAIL: &str = "</sheetData></worksheet>";

/// A workbook of the five parts a reader needs, with `sheet` and `strings` as given.
fn workbook(sheet: Part, strings: Part) -> Vec<u8> {
    archive(&[
        stored("[Content_Types].xml", CONTENT_TYPES),
        stored("_rels/.rels", ROOT_RELS),
        stored("xl/workbook.xml", WORKBOOK),
        stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        sheet,
        strings,
    ])
}

fn bomb(name: &'static str, head: &str, fill: u8, run: u64, tail: &str) -> Part {
    let size = (head.len() as u64 + run + tail.len() as u64).min(u64::from(u32::MAX)) as u32;
    // The checksum is left wrong: a bomb's maker need not compute one, and the reader must stop
    // long before the end where a checksum is compared.
    Part { name, data: deflate_run(head.as_bytes(), fill, run, tail.as_bytes()), size, crc: 0, deflated: true }
}

/// The most memory this process has held so far, in MiB (Linux's high-water mark).
fn peak_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status is readable");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM is reported");
    line.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()).expect("a number of kB") / 1024
}

/// Reads `path` as a feed and checks the refusal: `input.too_large`, the limit named, in time and
/// under the memory bound.
fn refused(case: &str, path: &Path, limit_text: &str) {
    let started = Instant::now();
    let err = import::read_file_with(path, &ReadOptions::default()).expect_err("the bomb is refused");
    let took = started.elapsed();
    let peak = peak_mib();
    eprintln!("{case}: refused in {:.2} s, peak {peak} MiB: {err}", took.as_secs_f64());
    assert_eq!(err.code(), "input.too_large", "{case}: {err}");
    assert!(err.to_string().contains(limit_text), "{case}: the message names the limit ({limit_text}): {err}");
    assert!(took < MAX_TIME, "{case}: refused in {took:?}, over {MAX_TIME:?}");
    assert!(peak < MAX_PEAK_MIB, "{case}: the process peaked at {peak} MiB, over {MAX_PEAK_MIB} MiB");
}

#[test]
fn every_bomb_is_refused_in_time_and_memory() {
    let dir = tempfile::tempdir().expect("temp dir");

    // A shared string of 1.5 GB in a file of a few MB.
    let strings = bomb(
        "xl/sharedStrings.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#,
        b'A',
        1536 * MIB,
        "</t></si></sst>",
    );
    let sheet = stored("xl/worksheets/sheet1.xml", &format!("{SHEET_HEAD}{SHEET_TAIL}"));
    let path = dir.path().join("shared-string.xlsx");
    let bytes = workbook(sheet, strings);
    assert!(bytes.len() < 16 * MIB as usize, "the bomb stays small on disk: {} bytes", bytes.len());
    std::fs::write(&path, &bytes).expect("written");
    refused("1.5 GB shared string", &path, &format!("{} MiB", MAX_PART_BYTES / MIB));

    // A sheet of two rows padded with 2 GB of whitespace between them.
    let sheet = bomb("xl/worksheets/sheet1.xml", SHEET_HEAD, b' ', 2048 * MIB, SHEET_TAIL);
    let strings = stored(
        "xl/sharedStrings.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>email</t></si></sst>"#,
    );
    let path = dir.path().join("padded.xlsx");
    std::fs::write(&path, workbook(sheet, strings)).expect("written");
    refused("2 GB of whitespace in a sheet", &path, &format!("{} MiB", MAX_PART_BYTES / MIB));

    // An endless device: its size is 0 to `stat`, its content never ends.
    refused("/dev/zero", Path::new("/dev/zero"), &format!("{} MiB", MAX_BYTES / MIB));

    // A named pipe fed without end by a writer thread.
    let fifo = dir.path().join("feed.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo makes the pipe");
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut pipe = std::fs::OpenOptions::new().write(true).open(&fifo).expect("the pipe opens");
            let mut chunk = b"email,skill,level\n".to_vec();
            chunk.extend(std::iter::repeat_n(b"ana.lee@example.com,Billing,3\n".as_slice(), 30_000).flatten());
            // Ends when the reader closes its side (a broken pipe).
            while pipe.write_all(&chunk).is_ok() {}
        })
    };
    refused("a pipe that never ends", &fifo, &format!("{} MiB", MAX_BYTES / MIB));
    writer.join().expect("the writer stops when the reader goes");
}

#[test]
fn a_small_hand_made_workbook_reads_as_a_feed() {
    // The same construction with nothing inflated: the refusals above are the bombs', not the
    // archive's.
    let dir = tempfile::tempdir().expect("temp dir");
    const STRINGS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>email</t></si></sst>"#;
    let strings = Part { crc: crc32(STRINGS.as_bytes()), ..bomb("xl/sharedStrings.xml", STRINGS, b' ', 0, "") };
    let sheet = stored("xl/worksheets/sheet1.xml", &format!("{SHEET_HEAD}{SHEET_TAIL}"));
    let path = dir.path().join("small.xlsx");
    std::fs::write(&path, workbook(sheet, strings)).expect("written");
    let (_, table) = import::read_file_with(&path, &ReadOptions::default()).expect("the small workbook reads");
    assert_eq!(table.len(), 1, "one row under the header");
    assert_eq!(table.headers, ["email", "skill", "level"]);
}
