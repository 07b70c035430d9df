//! Workbooks (`.xlsx`, `.xls`, `.ods`) read directly, because analysts keep their feeds in
//! spreadsheets and every "save as CSV" is a chance to lose a sheet, mangle a decimal or turn a
//! level into a date. A sheet becomes the same [`Table`] a CSV does, so mapping and planning do
//! not know the difference; the few cells a CSV cannot hold (a date, a formula's error, a formula
//! with no calculated value) are marked so a level cell holding one gets a row-level reason.
//!
//! Numbers are written as the shortest text that reads back as the same number (4.5 stays "4.5",
//! 5 stays "5"), never in the spreadsheet's display format. Blank cells stay blank. The sheet is
//! the one asked for, or else the first visible worksheet whose first rows hold a header the
//! mapping recognises; rows above that header (a title, a note) are skipped.

use super::bounds::{self, MAX_CELLS};
use super::{headers, RawRow, SpecialCell, SpecialKind, Table};
use crate::error::{Error, Result};
use calamine::{Data, DataRef, ExcelDateTime, Ods, Reader, SheetType, SheetVisible, Xls, Xlsx};
use std::io::Cursor;

/// How many non-blank rows at the top of a sheet may precede its header (titles, notes).
const HEADER_SEARCH: usize = 10;

/// Rows beyond this are refused: a workbook compresses well, and a sheet of tens of millions of
/// rows would take the desktop's memory long before the file-size limit stops it.
pub const MAX_ROWS: usize = 2_000_000;

/// The spreadsheet formats read directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookFormat {
    Xlsx,
    Xls,
    Ods,
}

impl WorkbookFormat {
    /// What the file is, for the feed's summary line (in place of a CSV's encoding).
    pub fn describe(self) -> &'static str {
        match self {
            WorkbookFormat::Xlsx => "Excel workbook (.xlsx)",
            WorkbookFormat::Xls => "Excel 97-2003 workbook (.xls)",
            WorkbookFormat::Ods => "OpenDocument spreadsheet (.ods)",
        }
    }
}

/// The sheet a table was read from and the sheets the user could choose instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetChoice {
    pub format: WorkbookFormat,
    /// The sheet read.
    pub sheet: String,
    /// Every visible worksheet, in the workbook's order (chart sheets and hidden sheets left out).
    pub sheets: Vec<String>,
}

const ZIP: &[u8] = b"PK\x03\x04";
const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Which workbook format the bytes are, by their magic bytes; a zip archive is an OpenDocument
/// spreadsheet when its `mimetype` entry (stored first, uncompressed) says so or its name ends in
/// `.ods`, else an Excel workbook. `None`: not a workbook (a CSV, or something else).
pub(crate) fn sniff(bytes: &[u8], extension: Option<&str>) -> Option<WorkbookFormat> {
    let ext = extension.map(str::to_ascii_lowercase);
    if bytes.starts_with(CFB) {
        Some(WorkbookFormat::Xls)
    } else if bytes.starts_with(ZIP) {
        let head = &bytes[..bytes.len().min(128)];
        let ods = head.windows(11).any(|w| w == b"opendocumen") || ext.as_deref() == Some("ods");
        Some(if ods { WorkbookFormat::Ods } else { WorkbookFormat::Xlsx })
    } else {
        None
    }
}

/// Reads one sheet of a workbook into a table: `sheet` by name, or the default choice.
pub(crate) fn read(bytes: &[u8], format: WorkbookFormat, sheet: Option<&str>) -> Result<Table> {
    bounds::check(bytes, format)?;
    let mut book = Book::open(bytes, format)?;
    let worksheets = book.worksheets();
    let visible: Vec<String> = worksheets.iter().filter(|(_, v)| *v).map(|(n, _)| n.clone()).collect();
    let listed = || list(&visible);
    let name = match sheet {
        Some(want) => find_sheet(&worksheets, want).ok_or_else(|| {
            Error::Input(format!(
                "the workbook has no sheet '{}': its sheets are {}; name one of them",
                want.trim(),
                listed()
            ))
        })?,
        None => default_sheet(&mut book, &visible)?,
    };
    let mut rows = Rows::new(None);
    book.scan(&name, &mut rows)?;
    let choice = SheetChoice { format, sheet: name, sheets: visible };
    table(rows.rows, choice)
}

/// The first visible worksheet whose first rows hold a recognisable header; failing that, the
/// first one holding anything (its first row is then the header, and detection explains what is
/// missing); failing that, an error: the workbook is empty.
fn default_sheet(book: &mut Book<'_>, visible: &[String]) -> Result<String> {
    let mut first_filled = None;
    for name in visible {
        let mut probe = Rows::new(Some(HEADER_SEARCH));
        book.scan(name, &mut probe)?;
        if probe.rows.iter().any(|r| headers::recognisable(&r.cells)) {
            return Ok(name.clone());
        }
        if first_filled.is_none() && !probe.rows.is_empty() {
            first_filled = Some(name.clone());
        }
    }
    first_filled.ok_or_else(|| {
        Error::Unreadable(format!(
            "the workbook holds no data: every sheet ({}) is empty; add the feed to a sheet, or export it again",
            list(visible)
        ))
    })
}

/// A sheet by name: exact first, then trimmed and case-insensitive (hidden sheets too, when named).
fn find_sheet(worksheets: &[(String, bool)], want: &str) -> Option<String> {
    let want = want.trim();
    worksheets
        .iter()
        .find(|(n, _)| n == want)
        .or_else(|| worksheets.iter().find(|(n, _)| n.trim().to_lowercase() == want.to_lowercase()))
        .map(|(n, _)| n.clone())
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
}

/// The header (the first recognisable row among the first few, else the first row) and the rows
/// after it. Table columns are sheet columns (0 is column A), so a cell's letter is its index.
fn table(rows: Vec<RawRow>, choice: SheetChoice) -> Result<Table> {
    if rows.is_empty() {
        return Err(Error::Input(format!(
            "sheet '{}' is empty: choose the sheet that holds the feed (the workbook's sheets are {})",
            choice.sheet,
            list(&choice.sheets)
        )));
    }
    let at = rows.iter().take(HEADER_SEARCH).position(|r| headers::recognisable(&r.cells)).unwrap_or(0);
    let mut rows = rows;
    let data = rows.split_off(at + 1);
    let header = rows.pop().expect("the header row exists: the sheet has a row at `at`");
    // The header ends at its last named column: a filled cell further right is under no header,
    // and the mapping flags its row rather than leave the value unread.
    let mut headers: Vec<String> = header.cells.iter().map(|h| h.trim().to_string()).collect();
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    if data.is_empty() {
        return Err(Error::Input(format!(
            "sheet '{}', row {} is a header ({}) and no data rows follow: the feed lists no agent or skill",
            choice.sheet,
            header.line,
            headers.iter().filter(|h| !h.is_empty()).cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(Table::from_rows(choice.format.describe(), 0, headers, data, Some(choice)))
}

/// An open workbook of any of the three formats.
enum Book<'a> {
    Xlsx(Box<Xlsx<Cursor<&'a [u8]>>>),
    Xls(Box<Xls<Cursor<&'a [u8]>>>),
    Ods(Box<Ods<Cursor<&'a [u8]>>>),
}

impl<'a> Book<'a> {
    fn open(bytes: &'a [u8], format: WorkbookFormat) -> Result<Self> {
        let cursor = Cursor::new(bytes);
        let opened = match format {
            WorkbookFormat::Xlsx => Xlsx::new(cursor).map(|b| Book::Xlsx(Box::new(b))).map_err(|e| e.to_string()),
            WorkbookFormat::Xls => Xls::new(cursor).map(|b| Book::Xls(Box::new(b))).map_err(|e| e.to_string()),
            WorkbookFormat::Ods => Ods::new(cursor).map(|b| Book::Ods(Box::new(b))).map_err(|e| e.to_string()),
        };
        opened.map_err(|why| {
            let hint = match format {
                WorkbookFormat::Xlsx => {
                    "if it is not a workbook (another zip archive), export the feed as CSV or .xlsx"
                }
                WorkbookFormat::Xls => "if the workbook is password-protected, save a copy without the password",
                WorkbookFormat::Ods => "open it in LibreOffice and save it again, or export the feed as CSV",
            };
            Error::Unreadable(format!("this {} cannot be read ({why}): {hint}", format.describe()))
        })
    }

    /// Worksheet names with whether each is visible, in the workbook's order.
    fn worksheets(&self) -> Vec<(String, bool)> {
        let meta = match self {
            Book::Xlsx(b) => b.sheets_metadata(),
            Book::Xls(b) => b.sheets_metadata(),
            Book::Ods(b) => b.sheets_metadata(),
        };
        meta.iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
            .collect()
    }

    /// Feeds the sheet's cells to `rows` in row order, until it has what it wants; a sheet with
    /// more than [`MAX_CELLS`] cells is refused.
    fn scan(&mut self, name: &str, rows: &mut Rows) -> Result<()> {
        let scanned = self.scan_cells(name, rows);
        if rows.too_many_cells {
            return Err(bounds::too_many_cells(name, rows.cells));
        }
        scanned
    }

    fn scan_cells(&mut self, name: &str, rows: &mut Rows) -> Result<()> {
        let broken = |e: &dyn std::fmt::Display| {
            Error::Unreadable(format!(
                "sheet '{name}' of the workbook cannot be read ({e}): open the workbook and save it again"
            ))
        };
        match self {
            // Streamed: one pass over the sheet's XML, values and formula markers together, with no
            // grid of the whole sheet in memory.
            Book::Xlsx(b) => {
                let mut reader = b.worksheet_cells_reader(name).map_err(|e| broken(&e))?;
                while let Some(cell) = reader.next_cell_with_formula_metadata().map_err(|e| broken(&e))? {
                    let formula = cell.formula.as_ref().map(|f| match f {
                        calamine::XlsxFormulaMetadata::Normal { formula }
                        | calamine::XlsxFormulaMetadata::Shared { formula, .. } => formula.as_str(),
                        _ => "",
                    });
                    if !rows.push(cell.pos, text_ref(cell.value, formula)) {
                        break;
                    }
                }
                rows.finish()
            }
            Book::Xls(b) => {
                let values = b.worksheet_range(name).map_err(|e| broken(&e))?;
                let formulas = b.worksheet_formula(name).ok();
                scan_range(&values, formulas.as_ref(), rows)
            }
            Book::Ods(b) => {
                let values = b.worksheet_range(name).map_err(|e| broken(&e))?;
                let formulas = b.worksheet_formula(name).ok();
                scan_range(&values, formulas.as_ref(), rows)
            }
        }
    }
}

/// The cells of a sheet read whole (.xls, .ods), with the formula of each cell where there is one,
/// in row order: a formula cell with no value is reported even though the value grid holds nothing.
fn scan_range(
    values: &calamine::Range<Data>,
    formulas: Option<&calamine::Range<String>>,
    rows: &mut Rows,
) -> Result<()> {
    let formula_at = |pos: (u32, u32)| formulas.and_then(|f| f.get_value(pos)).filter(|f| !f.is_empty());
    // The cells both grids cover: a formula with no value may lie outside the values' grid.
    let bounds = [values.start().zip(values.end()), formulas.and_then(|f| f.start().zip(f.end()))];
    let union = bounds
        .into_iter()
        .flatten()
        .reduce(|(s1, e1), (s2, e2)| ((s1.0.min(s2.0), s1.1.min(s2.1)), (e1.0.max(e2.0), e1.1.max(e2.1))));
    let Some(((top, left), (bottom, right))) = union else {
        return rows.finish();
    };
    // Counted before the walk: two cells far apart span a grid of millions of blank ones.
    let area = (u64::from(bottom - top) + 1) * (u64::from(right - left) + 1);
    if area > MAX_CELLS as u64 {
        rows.cells = area;
        rows.too_many_cells = true;
        return Ok(());
    }
    for row in top..=bottom {
        for col in left..=right {
            let value = values.get_value((row, col)).unwrap_or(&Data::Empty);
            let formula = formula_at((row, col)).map(String::as_str);
            if !rows.push((row, col), text(value, formula)) {
                return rows.finish();
            }
        }
    }
    rows.finish()
}

/// A cell as text, and what kind of odd value it is; `None` for a blank cell.
type CellText = Option<(String, Option<SpecialKind>)>;

fn text_ref(value: DataRef<'_>, formula: Option<&str>) -> CellText {
    match value {
        DataRef::SharedString(s) => plain(s.to_string()),
        DataRef::String(s) => {
            if formula.is_some() && is_error_text(&s) {
                Some((s, Some(SpecialKind::Error)))
            } else {
                plain(s)
            }
        }
        DataRef::Int(i) => plain(i.to_string()),
        DataRef::Float(f) => plain(number(f)),
        DataRef::Bool(b) => plain(if b { "TRUE" } else { "FALSE" }.into()),
        DataRef::DateTime(d) => Some((date(&d), Some(SpecialKind::Date))),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some((s, Some(SpecialKind::Date))),
        DataRef::Error(e) => Some((e.to_string(), Some(SpecialKind::Error))),
        DataRef::Empty => uncalculated(formula),
    }
}

fn text(value: &Data, formula: Option<&str>) -> CellText {
    match value {
        // LibreOffice writes a failed formula's result as the error's text.
        Data::String(s) if formula.is_some() && is_error_text(s) => Some((s.clone(), Some(SpecialKind::Error))),
        Data::String(s) => plain(s.clone()),
        Data::Int(i) => plain(i.to_string()),
        Data::Float(f) => plain(number(*f)),
        Data::Bool(b) => plain(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(d) => Some((date(d), Some(SpecialKind::Date))),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some((s.clone(), Some(SpecialKind::Date))),
        Data::Error(e) => Some((e.to_string(), Some(SpecialKind::Error))),
        Data::Empty => uncalculated(formula),
    }
}

fn plain(s: String) -> CellText {
    if s.trim().is_empty() {
        None
    } else {
        Some((s, None))
    }
}

/// A formula whose result the file does not hold (written by a program that does not calculate).
fn uncalculated(formula: Option<&str>) -> CellText {
    let formula = formula?;
    // OpenDocument writes its formulas with a namespace ("of:=2*2").
    let body = formula.strip_prefix("of:").unwrap_or(formula).trim_start_matches('=');
    let shown = if body.is_empty() { "=…".to_string() } else { format!("={body}") };
    Some((shown, Some(SpecialKind::Uncalculated)))
}

fn is_error_text(s: &str) -> bool {
    matches!(
        s,
        "#DIV/0!" | "#N/A" | "#NAME?" | "#NULL!" | "#NUM!" | "#REF!" | "#VALUE!" | "Err:502" | "Err:504" | "Err:508"
    )
}

/// The shortest text that reads back as the same number: 5 → "5", 4.5 → "4.5" (never "5.0",
/// never a decimal comma, never an exponent).
fn number(f: f64) -> String {
    if f == 0.0 {
        "0".into() // also -0
    } else {
        f.to_string()
    }
}

/// A date as ISO text ("2024-03-01", with the time when there is one); a duration as h:mm:ss.
fn date(d: &ExcelDateTime) -> String {
    if d.is_duration() {
        let secs = (d.as_f64() * 86_400.0).round() as i64;
        return format!("{}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60);
    }
    let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
    if d.as_f64() < 1.0 {
        format!("{h:02}:{mi:02}:{s:02}") // a time of day with no date
    } else if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{day:02}")
    } else {
        format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
    }
}

/// The column's letters ("A", "Z", "AA"), for cell references in messages.
pub(crate) fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Builds table rows from cells arriving in row order; a row with no filled cell is never kept.
struct Rows {
    rows: Vec<RawRow>,
    /// Stop after this many rows (probing a sheet for its header).
    limit: Option<usize>,
    current: Option<RawRow>,
    too_many: bool,
    /// Cells seen so far, blank ones included (they cost the reader's time all the same).
    cells: u64,
    too_many_cells: bool,
}

impl Rows {
    fn new(limit: Option<usize>) -> Self {
        Rows { rows: Vec::new(), limit, current: None, too_many: false, cells: 0, too_many_cells: false }
    }

    /// Takes one cell at (row, column), 0-based; false once no more cells are wanted.
    fn push(&mut self, (row, col): (u32, u32), cell: CellText) -> bool {
        self.cells += 1;
        if self.cells > MAX_CELLS as u64 {
            self.too_many_cells = true;
            return false;
        }
        let Some((text, kind)) = cell else { return true };
        let line = row as usize + 1;
        if self.current.as_ref().is_some_and(|r| r.line != line) {
            self.close();
            if self.limit.is_some_and(|l| self.rows.len() >= l) {
                return false;
            }
            if self.rows.len() > MAX_ROWS {
                self.too_many = true;
                return false;
            }
        }
        let current = self.current.get_or_insert_with(|| RawRow { line, cells: Vec::new(), special: Vec::new() });
        let col = col as usize;
        if current.cells.len() <= col {
            current.cells.resize(col + 1, String::new());
        }
        current.cells[col] = text;
        if let Some(kind) = kind {
            current.special.push(SpecialCell {
                column: col,
                kind,
                reference: format!("{}{line}", column_letters(col)),
            });
        }
        true
    }

    fn close(&mut self) {
        if let Some(row) = self.current.take() {
            self.rows.push(row);
        }
    }

    fn finish(&mut self) -> Result<()> {
        if self.too_many {
            return Err(Error::TooLarge(format!(
                "the sheet has more than {MAX_ROWS} rows: split the feed into several files"
            )));
        }
        if self.limit.is_none_or(|l| self.rows.len() < l) {
            self.close();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_shortest_form() {
        assert_eq!(number(5.0), "5");
        assert_eq!(number(4.5), "4.5");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004", "read back exactly");
        assert_eq!(number(1e20), "100000000000000000000", "no exponent");
        assert_eq!(number(85.0), "85");
    }

    #[test]
    fn column_letters_follow_the_spreadsheet() {
        let got: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702].into_iter().map(column_letters).collect();
        assert_eq!(got, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn magic_bytes_decide_the_format() {
        assert_eq!(sniff(b"PK\x03\x04\x14\x00\x00\x00\x00\x00", Some("xlsx")), Some(WorkbookFormat::Xlsx));
        assert_eq!(sniff(b"PK\x03\x04\x14\x00\x00\x00\x00\x00", Some("ODS")), Some(WorkbookFormat::Ods));
        let ods = b"PK\x03\x04\x14\x00\x00\x08\x00\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet";
        assert_eq!(sniff(ods, None), Some(WorkbookFormat::Ods), "mimetype entry, whatever the name");
        assert_eq!(sniff(CFB, Some("xlsx")), Some(WorkbookFormat::Xls), "an old workbook renamed .xlsx");
        assert_eq!(sniff(b"email,skill,level\n", Some("xlsx")), None, "a CSV named .xlsx is a CSV");
    }

    #[test]
    fn rows_skip_blank_cells_and_number_lines_from_one() {
        let mut rows = Rows::new(None);
        rows.push((2, 1), plain("a".into()));
        rows.push((2, 3), plain("  ".into()));
        rows.push((4, 0), plain("b".into()));
        rows.push((4, 2), Some(("#N/A".into(), Some(SpecialKind::Error))));
        rows.finish().expect("finishes");
        assert_eq!(rows.rows.len(), 2);
        assert_eq!((rows.rows[0].line, rows.rows[0].cells.clone()), (3, vec![String::new(), "a".into()]));
        assert_eq!(rows.rows[1].special[0].reference, "C5");
    }

    #[test]
    fn probing_stops_after_the_limit() {
        let mut rows = Rows::new(Some(2));
        for r in 0..5 {
            if !rows.push((r, 0), plain(format!("r{r}"))) {
                break;
            }
        }
        rows.finish().expect("finishes");
        assert_eq!(rows.rows.len(), 2);
    }
}
