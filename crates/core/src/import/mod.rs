//! Step 1 of the job: read a WFM feed, whatever wrote it, into a table of text cells with the line
//! each record starts on — or give one clear reason why the file cannot be read.
//!
//! A CSV's encoding (UTF-8 with or without BOM, UTF-16 with or without BOM, Windows-1252), its
//! delimiter (`,` `;` tab `|`) and its decimal separator are detected, never asked for. Blank lines
//! are skipped; short rows are kept as they are (a missing cell reads as empty) and long rows are
//! left for the mapping to flag. A workbook (`.xlsx`, `.xls`, `.ods`, told by its magic bytes) is
//! read directly into the same table, one sheet of it (see [`workbook`]).
//!
//! File-level errors: an empty file, binary data or an unreadable workbook is
//! [`Error::Unreadable`]; a file over [`MAX_BYTES`] (counted as it is read), or a workbook whose
//! parts unpack past their limits, is [`Error::TooLarge`]; a readable file that is only a header, or whose quote is
//! never closed, or a sheet that does not exist, is [`Error::Input`] (the file is readable, but not
//! a feed), naming the line or the sheets there are.

mod bounds;
mod cells;
mod decode;
mod digest;
pub(crate) mod headers;
mod sniff;
pub mod workbook;

pub(crate) use cells::{clean, number, percent, shown};
pub use digest::FeedDigest;

use crate::error::{Error, Result};
pub use bounds::{MAX_CELLS, MAX_PART_BYTES, MAX_UNPACKED_BYTES, MAX_XLS_BYTES};
use std::path::Path;
pub use workbook::{SheetChoice, WorkbookFormat};

/// Feeds larger than this are refused, counted in the bytes actually read (a device or a pipe
/// reports no size): 256 MiB holds several million rows, far
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
    if meta.is_file() && meta.len() > MAX_BYTES {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(context(), e))?;
    let bytes = read_capped(file, meta.is_file().then_some(meta.len())).map_err(|e| Error::io(context(), e))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Error::TooLarge(format!(
            "{} gives more than {} MiB (it is a device, a pipe or a file still growing): pass a finished feed file",
            path.display(),
            MAX_BYTES / (1024 * 1024)
        )));
    }
    let extension = path.extension().and_then(|e| e.to_str());
    let table = read(&bytes, extension, options)?;
    Ok((FeedDigest::of_feed(&bytes, &table), table))
}

/// Reads at most one byte more than [`MAX_BYTES`], whatever the source claims its size is: an
/// endless device or a FIFO stops at the limit instead of at the end of memory. The buffer is
/// sized once (a file's own length, else the limit, which a pipe only touches as it fills), so it
/// never doubles past the limit on the last byte.
fn read_capped(source: impl std::io::Read, len: Option<u64>) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(len.unwrap_or(MAX_BYTES).min(MAX_BYTES) as usize + 1);
    source.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
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
    Error::TooLarge(format!(
        "the file is {} MiB, over the {} MiB limit: split it into several feeds",
        len / (1024 * 1024),
        MAX_BYTES / (1024 * 1024)
    ))
}

/// Reads the records with `csv_core` straight into the table: the parser writes each record's
/// cells (quotes and delimiters removed) into one buffer that becomes the table's text, and their
/// ends into a reused array; no record object, no copy of a cell, one UTF-8 check of the whole
/// text at the end (cells are the input's text cut at ASCII bytes, so they stay valid UTF-8).
/// Parsing is the csv crate's (the same `csv_core` state machine with the same settings).
fn parse(text: &str, encoding: &'static str, delimiter: u8) -> Result<Table> {
    use csv_core::ReadRecordResult;
    let input = text.as_bytes();
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut lines = LineCounter::default();
    let mut headers: Option<(usize, Vec<String>)> = None;
    let mut table = Table::empty(encoding, delimiter, Vec::new(), None, 0);
    // The cells never take more than the text (quotes, delimiters and line breaks go).
    let mut out = vec![0u8; input.len()];
    let mut ends = vec![0usize; 64];
    let (mut pos, mut out_len) = (0usize, 0usize);
    let (mut comma_decimals, mut cells_seen) = (0usize, 0usize);
    let (mut first, mut quote) = (true, 0);
    loop {
        let (record_start, record_out) = (pos, out_len);
        let mut fields = 0;
        // A line without a quote is split on the delimiter directly. The parser reads the first
        // record itself (it strips a byte order mark there, and only there) and every line that
        // holds a quote; it is always between records when handed one.
        if quote < pos {
            quote = memchr::memchr(b'"', &input[pos..]).map_or(input.len(), |i| pos + i);
        }
        let fast = if first { None } else { plain_line(input, pos, quote, delimiter, &mut out[out_len..], &mut ends) };
        first = false;
        let mut line_end = None;
        let more = if let Some(plain) = fast {
            (pos, out_len, fields) = (plain.next, out_len + plain.written, plain.cells);
            line_end = Some((plain.start, plain.end));
            plain.cells > 0
        } else {
            loop {
                // `input[pos..]` is empty once everything was given: that tells the parser the file ended.
                let (result, nin, nout, nend) =
                    reader.read_record(&input[pos..], &mut out[out_len..], &mut ends[fields..]);
                (pos, out_len, fields) = (pos + nin, out_len + nout, fields + nend);
                match result {
                    ReadRecordResult::InputEmpty => continue,
                    ReadRecordResult::OutputFull => out.resize(out.len() * 2 + 64, 0),
                    ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                    ReadRecordResult::Record => break true,
                    ReadRecordResult::End => break false,
                }
            }
        };
        if !more {
            break;
        }
        let cells = &out[record_out..out_len];
        if is_blank(cells) {
            out_len = record_out;
            continue;
        }
        let line = match line_end {
            Some((start, end)) => {
                let line = lines.line_at(input, start);
                lines.skip_to(end); // a quote-free line holds no break
                line
            }
            None => lines.line_at(input, record_start.min(input.len())),
        };
        let record_ends = &ends[..fields];
        let cell = |i: usize| {
            let from = if i == 0 { 0 } else { record_ends[i - 1] };
            String::from_utf8_lossy(&cells[from..record_ends[i]])
        };
        if headers.is_none() {
            headers = Some((
                line,
                (0..fields).map(|i| cell(i).trim().trim_start_matches('\u{FEFF}').trim().to_string()).collect(),
            ));
            out_len = record_out;
            continue;
        }
        if delimiter != b',' && cells_seen < 1_000_000 {
            for i in 0..fields {
                cells_seen += 1;
                let c = cell(i);
                comma_decimals += usize::from(c.contains(',') && sniff::is_comma_decimal(&c));
            }
        }
        table.starts.push((line as u32, table.ends.len() as u32));
        table.ends.extend(record_ends.iter().map(|&e| (record_out + e) as u32));
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
    out.truncate(out_len);
    table.text = String::from_utf8(out)
        .map_err(|_| Error::Unreadable("the file's text could not be split into cells: export it again".into()))?;
    table.shrink();
    table.decimal_comma = comma_decimals > 0;
    table.headers = headers;
    Ok(table)
}

/// The record at `pos` when its line holds no quote, split as the csv parser splits it: leading
/// line breaks skipped (empty lines are no records), cells up to the next `\n` or `\r`, that break
/// consumed. `quote` is the position of the next quote at or after `pos` (the input's length when
/// none is left). Returns where the record's text starts and ends, the position after it, the bytes
/// written to `out` and the cell count (0 at the end of the input); `None` when the line holds a
/// quote (the parser reads it).
fn plain_line(
    input: &[u8],
    pos: usize,
    quote: usize,
    delimiter: u8,
    out: &mut [u8],
    ends: &mut Vec<usize>,
) -> Option<Plain> {
    let start = pos + input[pos..].iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
    if start == input.len() {
        return Some(Plain { start, end: start, next: start, written: 0, cells: 0 });
    }
    let (mut written, mut cells, mut from) = (0, 0, start);
    let mut cell = |to: usize, written: &mut usize, cells: &mut usize| {
        let text = &input[from..to];
        out[*written..*written + text.len()].copy_from_slice(text);
        *written += text.len();
        if *cells == ends.len() {
            ends.resize(ends.len() * 2, 0);
        }
        ends[*cells] = *written;
        *cells += 1;
        from = to + 1;
    };
    for at in memchr::memchr3_iter(delimiter, b'\n', b'\r', &input[start..]).map(|i| start + i) {
        if quote < at {
            return None;
        }
        cell(at, &mut written, &mut cells);
        if input[at] != delimiter {
            return Some(Plain { start, end: at, next: at + 1, written, cells });
        }
    }
    if quote < input.len() {
        return None;
    }
    cell(input.len(), &mut written, &mut cells);
    Some(Plain { start, end: input.len(), next: input.len(), written, cells })
}

/// A quote-free line as [`plain_line`] split it.
struct Plain {
    start: usize,
    end: usize,
    next: usize,
    written: usize,
    cells: usize,
}

/// Whether a record's cells (concatenated) are all whitespace, as `str::trim` sees it: decided on
/// the bytes unless the record holds only whitespace and non-ASCII text.
fn is_blank(cells: &[u8]) -> bool {
    if cells.iter().any(|b| b.is_ascii() && !(b.is_ascii_whitespace() || *b == 0x0B)) {
        return false;
    }
    if cells.is_ascii() {
        return true;
    }
    String::from_utf8_lossy(cells).trim().is_empty()
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

    /// Moves on to `offset` when the text before it holds no line break (a quote-free line read
    /// already): the next count starts there instead of walking the line again.
    fn skip_to(&mut self, offset: usize) {
        self.offset = self.offset.max(offset);
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

    /// The table as the csv crate's reader builds it (records, blank ones skipped, the first as the
    /// header, lines counted from its positions): what `parse` must give for every text.
    /// Headers, and each record's line and cells.
    type Parsed = (Vec<String>, Vec<(usize, Vec<String>)>);

    fn reference(text: &str, delimiter: u8) -> Option<Parsed> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(false)
            .from_reader(text.as_bytes());
        let mut lines = LineCounter::default();
        let (mut headers, mut rows) = (None, Vec::new());
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).expect("valid UTF-8 reads") {
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let start = record.position().map_or(0, |p| p.byte() as usize).min(text.len());
            let line = lines.line_at(text.as_bytes(), start);
            let cells: Vec<String> = record.iter().map(str::to_string).collect();
            if headers.is_none() {
                headers =
                    Some(cells.iter().map(|h| h.trim().trim_start_matches('\u{FEFF}').trim().to_string()).collect());
            } else {
                rows.push((line, cells));
            }
        }
        Some((headers?, rows))
    }

    #[test]
    fn parse_splits_every_text_as_the_csv_crate_does() {
        // Texts built from the bytes that steer a CSV parser (delimiters, quotes, every line
        // break, blanks, a BOM, non-ASCII letters and spaces), short enough that every mix of them
        // comes up: quoted and unquoted records side by side, quotes inside unquoted cells, blank
        // and whitespace-only lines, a record at the end without a line break.
        const PIECES: [&str; 16] = [
            "a", "bc", ",", ";", "\"", "\"\"", "\n", "\r", "\r\n", " ", "\t", "é", "\u{FEFF}", "\u{A0}", "\u{B}",
            "x\"y",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for case in 0..30_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect();
            let delimiter = if case % 3 == 0 { b';' } else { b',' };
            let expected = reference(&text, delimiter);
            let got = parse(&text, "UTF-8", delimiter).ok().map(|t| {
                let rows = t.rows().map(|r| (r.line, r.cells().map(str::to_string).collect::<Vec<_>>())).collect();
                (t.headers, rows)
            });
            match (&expected, &got) {
                (Some((_, rows)), None) if rows.is_empty() => {} // a header alone is refused by parse
                _ => assert_eq!(got, expected, "case {case}: {text:?}"),
            }
        }
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
        assert_eq!(err.code(), "input.too_large");
        assert!(err.to_string().contains("limit"), "{err}");
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let err = read_path(Path::new("/nonexistent/feed.csv")).expect_err("missing");
        assert_eq!(err.code(), "io.failed", "{err}");
    }
}
