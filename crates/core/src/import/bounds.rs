//! The limits a workbook is read under, checked before the spreadsheet reader allocates anything:
//! a zip archive's declared sizes can lie and a 1.5 MB `.xlsx` can unpack to gigabytes, so every
//! part of an `.xlsx` or `.ods` is inflated once into a small buffer, counting the bytes that
//! actually come out and stopping at the limit. An `.xls` is not compressed: its file size bounds
//! it. The cells of a sheet are counted as they are read (see `workbook::Rows`).

use super::workbook::WorkbookFormat;
use crate::error::{Error, Result};
use std::io::{Cursor, Read};

const MIB: u64 = 1024 * 1024;

/// The most one part of a zipped workbook (a sheet, the shared strings) may unpack to: as much as
/// a whole CSV feed may hold, far beyond any real feed's sheet.
pub const MAX_PART_BYTES: u64 = 256 * MIB;

/// The most all parts of a zipped workbook together may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 512 * MIB;

/// The most cells one sheet may hold, blank ones between filled ones included: 2 million rows of
/// five columns, and a sheet's table stays within a desktop's memory.
pub const MAX_CELLS: usize = 10_000_000;

/// The largest `.xls` read: the format holds at most 65,536 rows a sheet, a few MiB for a feed.
pub const MAX_XLS_BYTES: u64 = 64 * MIB;

/// Refuses a workbook whose parts unpack past the limits, or an `.xls` over its size limit, with
/// the limit and the part named. A part the archive cannot open is left to the reader, which
/// reports a damaged file if it needs it.
pub(crate) fn check(bytes: &[u8], format: WorkbookFormat) -> Result<()> {
    match format {
        WorkbookFormat::Xls if bytes.len() as u64 > MAX_XLS_BYTES => Err(Error::TooLarge(format!(
            "this {} is {} MiB, over the {} MiB limit for that format: save it as .xlsx or CSV, or split the feed",
            format.describe(),
            bytes.len() as u64 / MIB,
            MAX_XLS_BYTES / MIB
        ))),
        WorkbookFormat::Xls => Ok(()),
        WorkbookFormat::Xlsx | WorkbookFormat::Ods => check_zip(bytes, format),
    }
}

fn check_zip(bytes: &[u8], format: WorkbookFormat) -> Result<()> {
    // Not a readable archive: the reader says so in its own words.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    for index in 0..archive.len() {
        let Ok(mut part) = archive.by_index(index) else { continue };
        let name = super::cells::shown(&part.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("#{index}")));
        let mut unpacked = 0u64;
        while let Ok(n) = part.read(&mut buffer) {
            if n == 0 {
                break;
            }
            unpacked += n as u64;
            total += n as u64;
            if unpacked > MAX_PART_BYTES {
                return Err(Error::TooLarge(format!(
                    "part {name} of this {} unpacks to more than {} MiB, the limit for one part of a workbook (the \
                     file is {} KiB): it is damaged or built to exhaust memory; export the feed again as .xlsx or CSV",
                    format.describe(),
                    MAX_PART_BYTES / MIB,
                    bytes.len() / 1024
                )));
            }
            if total > MAX_UNPACKED_BYTES {
                return Err(Error::TooLarge(format!(
                    "this {} unpacks to more than {} MiB in all, the limit for a workbook (reached in part {name}): \
                     split the feed into several files, or export it as CSV",
                    format.describe(),
                    MAX_UNPACKED_BYTES / MIB
                )));
            }
        }
    }
    Ok(())
}

/// The error for a sheet with more cells than [`MAX_CELLS`].
pub(crate) fn too_many_cells(sheet: &str, cells: u64) -> Error {
    let counted = if cells > MAX_CELLS as u64 { format!("{cells} cells") } else { "more cells".into() };
    Error::TooLarge(format!(
        "sheet {} holds {counted} than the limit of {MAX_CELLS} cells for one sheet (blank cells between filled \
         ones count): split the feed into several files",
        super::cells::shown(sheet)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zipped(parts: &[(&str, &[u8], usize)]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        for (name, chunk, times) in parts {
            out.start_file(*name, options).expect("a part starts");
            for _ in 0..*times {
                out.write_all(chunk).expect("written");
            }
        }
        out.finish().expect("the archive closes").into_inner()
    }

    #[test]
    fn a_part_unpacking_past_its_limit_is_refused_naming_it() {
        let mib = vec![b' '; MIB as usize];
        let bomb = zipped(&[("xl/worksheets/sheet1.xml", &mib, MAX_PART_BYTES as usize / MIB as usize + 1)]);
        assert!(bomb.len() < 2 * MIB as usize, "the bomb is small on disk: {} bytes", bomb.len());
        let err = check(&bomb, WorkbookFormat::Xlsx).expect_err("refused");
        assert_eq!(err.code(), "input.too_large", "{err}");
        let msg = err.to_string();
        assert!(msg.contains("xl/worksheets/sheet1.xml") && msg.contains("256 MiB"), "names part and limit: {msg}");
    }

    #[test]
    fn parts_within_their_limit_but_too_many_in_all_are_refused() {
        let mib = vec![b'x'; MIB as usize];
        let each = (MAX_PART_BYTES / MIB) as usize;
        let wide = zipped(&[("a.xml", &mib, each), ("b.xml", &mib, each), ("c.xml", &mib, 1)]);
        let err = check(&wide, WorkbookFormat::Ods).expect_err("refused");
        assert_eq!(err.code(), "input.too_large", "{err}");
        assert!(err.to_string().contains("512 MiB in all"), "names the total limit: {err}");
    }

    #[test]
    fn an_ordinary_archive_passes() {
        let small = zipped(&[("xl/workbook.xml", b"<workbook/>", 1)]);
        check(&small, WorkbookFormat::Xlsx).expect("a small workbook passes");
    }
}
