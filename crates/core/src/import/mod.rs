//! Step 1 of the job: read a WFM feed, whatever wrote it, into a table of text cells with the line
//! each record starts on — or give one clear reason why the file cannot be read.
//!
//! A CSV's encoding (UTF-8 with or without BOM, UTF-16 with or without BOM, Windows-1252), its
//! delimiter (`,` `;` tab `|`) and its decimal separator are detected, never asked for. Blank lines
//! are skipped; short rows are kept as they are (a missing cell reads as empty) and long rows are
//! left for the mapping to flag. A workbook (`.xlsx`, `.xls`, `.ods`, told by its magic bytes) is
//! read directly into the same table, one sheet of it (see [`workbook`]).
//!
//! File-level errors: an empty file, binary data, an unreadable workbook, or a file over
//! [`MAX_BYTES`] is [`Error::Unreadable`]; a readable file that is only a header, or whose quote is
//! never closed, or a sheet that does not exist, is [`Error::Input`] (the file is readable, but not
//! a feed), naming the line or the sheets there are.

mod cells;
mod decode;
mod digest;
pub(crate) mod headers;
mod sniff;
pub mod workbook;

pub(crate) use cells::{clean, number, percent, shown};
pub use digest::FeedDigest;

use crate::error::{Error, Result};
use std::path::Path;
pub use workbook::{SheetChoice, WorkbookFormat};

/// Feeds larger than this are refused before reading: 256 MiB holds several million rows, far
/// beyond the largest contact center, and stays well inside a desktop's memory.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// A feed as text: the header's cells and every non-blank record after it.
///
/// The cells of all records live in one string, one after another, with the end of each cell and
/// the start of each record in two arrays of `u32` (a feed is at most [`MAX_BYTES`]): a row costs
/// 8 bytes and a cell 4 bytes beside its text, instead of a vector and a heap string per cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The encoding the file was written in ("UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE",
    /// "windows-1252"); for a workbook, its format ("Excel workbook (.xlsx)").
    pub encoding: &'static str,
    /// The CSV's delimiter; 0 for a workbook.
    pub delimiter: u8,
    /// The file writes decimals with a comma ("4,5"); only possible when the delimiter is not `,`.
    pub decimal_comma: bool,
    /// The header's cells, trimmed.
    pub headers: Vec<String>,
    /// The sheet read and the sheets there are, when the feed is a workbook.
    pub workbook: Option<SheetChoice>,
    /// Every record's cells, as written, concatenated.
    text: String,
    /// Where each cell ends in `text` (the next one starts there).
    ends: Vec<u32>,
    /// Each record's line and its first cell's index in `ends`.
    starts: Vec<(u32, u32)>,
    /// Workbook cells that hold no plain value, with the index of their record, in record order
    /// (always empty for a CSV).
    special: Vec<(u32, SpecialCell)>,
}

/// One record of the file after the header, borrowed from its [`Table`].
#[derive(Debug, Clone, Copy)]
pub struct TableRow<'t> {
    /// 1-based physical line where the record starts (the header is line 1 unless blank lines
    /// precede it); a record with an embedded newline spans more lines.
    pub line: usize,
    table: &'t Table,
    index: usize,
    first: usize,
    end: usize,
}

impl<'t> TableRow<'t> {
    /// The number of cells as written: may be fewer or more than the headers.
    pub fn len(&self) -> usize {
        self.end - self.first
    }

    pub fn is_empty(&self) -> bool {
        self.first == self.end
    }

    /// The cell at `index` as written (untrimmed), or `None` past the row's end.
    pub fn cell(&self, index: usize) -> Option<&'t str> {
        (index < self.len()).then(|| self.table.cell(self.first + index))
    }

    /// The cells as written (untrimmed).
    pub fn cells(&self) -> impl ExactSizeIterator<Item = &'t str> + 't {
        let table = self.table;
        (self.first..self.end).map(move |i| table.cell(i))
    }

    /// Workbook cells of this record that hold no plain value; their text is in the cells.
    pub fn special(&self) -> impl Iterator<Item = &'t SpecialCell> + 't {
        let all = &self.table.special;
        let index = self.index as u32;
        let from = if all.is_empty() { 0 } else { all.partition_point(|(r, _)| *r < index) };
        all[from..].iter().take_while(move |(r, _)| *r == index).map(|(_, c)| c)
    }
}

/// A record as a workbook reader builds it, before it joins a [`Table`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawRow {
    pub line: usize,
    pub cells: Vec<String>,
    pub special: Vec<SpecialCell>,
}

/// A workbook cell a CSV could not hold: it reads as text, but is no level whatever its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialCell {
    /// Index into the row's cells.
    pub column: usize,
    pub kind: SpecialKind,
    /// The cell's reference in the sheet ("C5"), for messages.
    pub reference: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialKind {
    /// A date or time (or a duration): a level the spreadsheet turned into a date, or a date column.
    Date,
    /// A formula's error result (`#DIV/0!`, `#N/A`, …).
    Error,
    /// A formula with no calculated value stored in the file.
    Uncalculated,
}

impl SpecialCell {
    /// The row-level problem of this cell used as a level: a stable code and what to do about it.
    pub(crate) fn reason(&self, text: &str) -> (&'static str, String) {
        let at = &self.reference;
        let shown = shown(text.trim());
        match self.kind {
            SpecialKind::Date => (
                "date_cell",
                format!(
                    "cell {at} holds a date or time ({shown}), not a level: the spreadsheet turned what was typed \
                     into a date; format the column as Number or Text, type the level again and save"
                ),
            ),
            SpecialKind::Error => (
                "formula_error",
                format!(
                    "cell {at} shows the error {shown} from its formula: correct the formula, or replace it with \
                     the level as a number"
                ),
            ),
            SpecialKind::Uncalculated => (
                "formula_without_value",
                format!(
                    "cell {at} holds a formula ({shown}) but no calculated value (the program that wrote the file \
                     does not calculate): open the workbook in Excel or LibreOffice and save it, or type the level \
                     as a number"
                ),
            ),
        }
    }
}

/// How to read a feed beyond what the file says itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The sheet of a workbook to read (exact name, else case-insensitive); `None`: the first sheet
    /// whose first rows hold a recognisable header. A CSV has no sheets, so naming one is an error.
    pub sheet: Option<String>,
}

impl Table {
    /// The delimiter as a printable name, for messages ("tab" rather than an invisible character).
    pub fn delimiter_name(&self) -> &'static str {
        match self.delimiter {
            b',' => "comma",
            b';' => "semicolon",
            b'\t' => "tab",
            b'|' => "pipe",
            0 => "none",
            _ => "other",
        }
    }

    /// A table of records built elsewhere (a workbook's sheet).
    pub(crate) fn from_rows(
        encoding: &'static str,
        delimiter: u8,
        headers: Vec<String>,
        rows: Vec<RawRow>,
        workbook: Option<SheetChoice>,
    ) -> Table {
        let mut table = Table::empty(encoding, delimiter, headers, workbook, 0);
        for row in rows {
            for cell in row.special {
                table.special.push((table.starts.len() as u32, cell));
            }
            table.push(row.line, row.cells.iter().map(String::as_str));
        }
        table.shrink();
        table
    }

    fn empty(
        encoding: &'static str,
        delimiter: u8,
        headers: Vec<String>,
        workbook: Option<SheetChoice>,
        capacity: usize,
    ) -> Table {
        Table {
            encoding,
            delimiter,
            decimal_comma: false,
            headers,
            workbook,
            text: String::with_capacity(capacity),
            ends: Vec::new(),
            starts: Vec::new(),
            special: Vec::new(),
        }
    }

    /// Appends a record. Offsets fit in `u32`: the text is at most [`MAX_BYTES`] (256 MiB), and
    /// so are its line and cell counts.
    fn push<'c>(&mut self, line: usize, cells: impl Iterator<Item = &'c str>) {
        self.starts.push((line as u32, self.ends.len() as u32));
        for cell in cells {
            self.text.push_str(cell);
            self.ends.push(self.text.len() as u32);
        }
    }

    fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.starts.shrink_to_fit();
    }

    /// The number of records after the header.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The record at `index` (0-based, in file order).
    pub fn row(&self, index: usize) -> TableRow<'_> {
        let (line, first) = self.starts[index];
        let end = self.starts.get(index + 1).map_or(self.ends.len(), |&(_, next)| next as usize);
        TableRow { line: line as usize, table: self, index, first: first as usize, end }
    }

    /// The records in file order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = TableRow<'_>> + '_ {
        (0..self.len()).map(|i| self.row(i))
    }

    /// Bytes the table holds on the heap (cells, offsets, headers): what keeping it open costs.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.ends.capacity() * 4
            + self.starts.capacity() * 8
            + self.special.capacity() * std::mem::size_of::<(u32, SpecialCell)>()
            + self.headers.iter().map(|h| h.capacity() + 24).sum::<usize>()
    }

    fn cell(&self, index: usize) -> &str {
        let start = if index == 0 { 0 } else { self.ends[index - 1] as usize };
        &self.text[start..self.ends[index] as usize]
    }
}

/// Reads and parses the feed at `path`.
pub fn read_path(path: &Path) -> Result<Table> {
    read_file(path).map(|(_, table)| table)
}

/// Reads the feed at `path` (refusing a folder or an oversized file before reading it) and parses
/// it; what identifies it in the journal comes back too (see [`FeedDigest::of_feed`]), and the
/// bytes themselves are dropped before this returns.
pub fn read_file(path: &Path) -> Result<(FeedDigest, Table)> {
    read_file_with(path, &ReadOptions::default())
}

/// [`read_file`], with a sheet chosen.
pub fn read_file_with(path: &Path, options: &ReadOptions) -> Result<(FeedDigest, Table)> {
    let context = || format!("cannot read the feed {}", path.display());
    let meta = std::fs::metadata(path).map_err(|e| Error::io(context(), e))?;
    if meta.is_dir() {
        return Err(Error::Unreadable(format!("{} is a folder, not a CSV file or a workbook", path.display())));
    }
    if meta.len() > MAX_BYTES {
        return Err(too_large(meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(context(), e))?;
    let extension = path.extension().and_then(|e| e.to_str());
    let table = read(&bytes, extension, options)?;
    Ok((FeedDigest::of_feed(&bytes, &table), table))
}

/// Parses a feed held in memory.
pub fn read_bytes(bytes: &[u8]) -> Result<Table> {
    read(bytes, None, &ReadOptions::default())
}

/// [`read_bytes`], with a sheet chosen.
pub fn read_bytes_with(bytes: &[u8], options: &ReadOptions) -> Result<Table> {
    read(bytes, None, options)
}

/// A workbook by its magic bytes (the extension only tells an OpenDocument zip from an Excel one
/// when the archive does not say), else a CSV.
fn read(bytes: &[u8], extension: Option<&str>, options: &ReadOptions) -> Result<Table> {
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    if let Some(format) = workbook::sniff(bytes, extension) {
        // The spreadsheet parsers index into the file's own tables; a damaged file can make one
        // panic, and a feed must never take the app or a nightly run down with it.
        let sheet = options.sheet.as_deref();
        return std::panic::catch_unwind(|| workbook::read(bytes, format, sheet)).unwrap_or_else(|_| {
            Err(Error::Unreadable(format!(
                "this {} is damaged and cannot be read: open it in its program and save it again, or export the \
                 feed as CSV",
                format.describe()
            )))
        });
    }
    if let Some(sheet) = &options.sheet {
        return Err(Error::Input(format!(
            "the feed is a CSV file, which has no sheets (asked for sheet '{sheet}'): leave the sheet out, or \
             pass the workbook itself"
        )));
    }
    let (text, encoding) = decode::decode(bytes)?;
    if text.trim().is_empty() {
        return Err(Error::Unreadable("the file is empty (only blank lines): export the feed again".into()));
    }
    let delimiter = sniff::delimiter(&text);
    if let Some(offset) = sniff::unterminated_quote(&text, delimiter) {
        let line = LineCounter::default().line_at(text.as_bytes(), offset);
        return Err(Error::Input(format!(
            "line {line}: a quote (\") opens a field and is never closed, so the rest of the file would \
             read as one cell: close the quote, or remove it"
        )));
    }
    parse(&text, encoding, delimiter)
}

fn too_large(len: u64) -> Error {
    Error::Unreadable(format!(
        "the file is {} MiB, over the {} MiB limit: split it into several feeds",
        len / (1024 * 1024),
        MAX_BYTES / (1024 * 1024)
    ))
}

fn parse(text: &str, encoding: &'static str, delimiter: u8) -> Result<Table> {
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(false).from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::default();
    let mut headers: Option<(usize, Vec<String>)> = None;
    // The cells never take more than the text (quotes, delimiters and line breaks go): reserving
    // that once and trimming at the end avoids regrowing a string the size of the file.
    let mut table = Table::empty(encoding, delimiter, Vec::new(), None, text.len());
    let (mut comma_decimals, mut cells_seen) = (0usize, 0usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let at = e.position().map_or(text.len(), |p| p.byte() as usize);
                let line = lines.line_at(text.as_bytes(), at.min(text.len()));
                return Err(Error::Input(format!("line {line}: {e}")));
            }
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let start = record.position().map_or(0, |p| p.byte() as usize).min(text.len());
        let line = lines.line_at(text.as_bytes(), start);
        if headers.is_none() {
            headers = Some((
                line,
                record.iter().map(|h| h.trim().trim_start_matches('\u{FEFF}').trim().to_string()).collect(),
            ));
            continue;
        }
        if delimiter != b',' && cells_seen < 1_000_000 {
            for cell in record.iter() {
                cells_seen += 1;
                comma_decimals += usize::from(cell.contains(',') && sniff::is_comma_decimal(cell));
            }
        }
        table.push(line, record.iter());
    }
    let Some((header_line, headers)) = headers else {
        return Err(Error::Unreadable("the file is empty (only blank lines): export the feed again".into()));
    };
    if table.is_empty() {
        return Err(Error::Input(format!(
            "line {header_line} is a header ({}) and no data rows follow: the feed lists no agent or skill",
            headers::listed(&headers)
        )));
    }
    table.shrink();
    table.decimal_comma = comma_decimals > 0;
    table.headers = headers;
    Ok(table)
}

/// Turns byte offsets into 1-based line numbers in one forward pass: the csv reader's own line
/// count drifts on CRLF and blank lines, and a record's offset may point at the line break
/// before it. `\n`, `\r\n` and a lone `\r` each end a line, as they do for the csv reader.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    breaks: usize,
}

impl LineCounter {
    /// The line of the first character at or after `offset` that is not a line break. Offsets must
    /// not go backwards (records arrive in order).
    fn line_at(&mut self, text: &[u8], offset: usize) -> usize {
        let mut start = offset.max(self.offset).min(text.len());
        while start < text.len() && matches!(text[start], b'\r' | b'\n') {
            start += 1;
        }
        let slice = &text[self.offset..start];
        for (i, &b) in slice.iter().enumerate() {
            let lone_cr = b == b'\r' && slice.get(i + 1) != Some(&b'\n');
            self.breaks += usize::from(b == b'\n' || lone_cr);
        }
        self.offset = start;
        self.breaks + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(table: &Table) -> Vec<usize> {
        table.rows().map(|r| r.line).collect()
    }

    #[test]
    fn lines_count_blank_lines_crlf_and_embedded_newlines() {
        let text = "email,skill,level\r\n\r\na@x.com,Billing,4\r\n\"b@x.com\",\"Sales\nWest\",3\r\n\r\n  \r\nc@x.com,Chat,1\r\n";
        let table = read_bytes(text.as_bytes()).expect("parses");
        assert_eq!(lines_of(&table), vec![3, 4, 8], "physical start lines");
        assert_eq!(table.row(1).cell(1), Some("Sales\nWest"), "embedded newline kept");
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let table = read_bytes(b"email,skill,level\ra,b,1\rc,d,2\r").expect("parses");
        assert_eq!(lines_of(&table), vec![2, 3]);
    }

    #[test]
    fn header_after_blank_lines_and_rows_of_only_delimiters_are_skipped() {
        let table = read_bytes(b"\n\nemail;skill;level\n;;\na;b;1\n").expect("parses");
        assert_eq!(table.headers, vec!["email", "skill", "level"]);
        assert_eq!(lines_of(&table), vec![5]);
    }

    #[test]
    fn header_names_are_trimmed_after_a_byte_order_mark() {
        let table = read_bytes("email,\u{FEFF} skill ,level\na,b,1\n".as_bytes()).expect("parses");
        assert_eq!(table.headers, vec!["email", "skill", "level"]);
    }

    #[test]
    fn decimal_comma_is_detected_only_off_comma_files() {
        let semi = read_bytes(b"email;skill;level\na;b;4,5\n").expect("parses");
        assert!(semi.decimal_comma, "semicolon file with 4,5");
        let comma = read_bytes(b"email,skill,level\na,b,\"4,5\"\n").expect("parses");
        assert!(!comma.decimal_comma, "a comma file never uses a decimal comma");
        let plain = read_bytes(b"email\tskill\tlevel\na\tb\t4.5\n").expect("parses");
        assert!(!plain.decimal_comma);
    }

    #[test]
    fn ragged_rows_keep_their_cells() {
        let table = read_bytes(b"email,skill,level\na,b\nc,d,1,extra\n").expect("parses");
        assert_eq!(table.row(0).len(), 2);
        assert_eq!(table.row(1).len(), 4);
        assert_eq!(table.row(1).cells().collect::<Vec<_>>(), ["c", "d", "1", "extra"]);
        assert_eq!(table.row(0).cell(2), None, "a short row has no third cell");
    }

    #[test]
    fn header_only_is_an_input_error_naming_the_header() {
        let err = read_bytes(b"email,skill,level\r\n\r\n").expect_err("no data");
        assert_eq!(err.code(), "input.invalid");
        assert!(err.to_string().contains("email, skill, level"), "{err}");
    }

    #[test]
    fn blank_only_file_is_unreadable() {
        let err = read_bytes(b"\r\n  \n\t\n").expect_err("blank");
        assert_eq!(err.code(), "input.unreadable", "{err}");
    }

    #[test]
    fn unclosed_quote_names_its_line() {
        let err = read_bytes(b"email,skill,level\na,b,1\nc,\"d,2\ne,f,3\n").expect_err("open quote");
        assert_eq!(err.code(), "input.invalid");
        assert!(err.to_string().starts_with("line 3:"), "{err}");
    }

    #[test]
    fn oversized_file_is_refused_before_reading() {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        file.as_file().set_len(MAX_BYTES + 1).expect("sparse file");
        let err = read_path(file.path()).expect_err("too large");
        assert_eq!(err.code(), "input.unreadable");
        assert!(err.to_string().contains("limit"), "{err}");
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let err = read_path(Path::new("/nonexistent/feed.csv")).expect_err("missing");
        assert_eq!(err.code(), "io.failed", "{err}");
    }
}
