//! The feed and its mapping: open a CSV or a workbook (one sheet of it; or the sample, or an export
//! of the tenant), preview a mapping on it value by value and row by row, and keep mappings as
//! named templates.

use super::{Desk, Paths};
use crate::dto::{DistinctValue, FeedView, MappingInput, MappingPreview, Platform, PreviewRow};
use crate::error::{UiError, UiResult};
use skillsync_core::export::{self, ExportLayout, ExportOptions};
use skillsync_core::import::{self, FeedDigest, ReadOptions, Table};
use skillsync_core::mapping::Mapping;
use skillsync_core::{Error, Events, PlatformKind, Target};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows of the file shown on the import screen, and mapped rows on the mapping screen.
const SAMPLE_ROWS: usize = 20;
const PREVIEW_ROWS: usize = 50;

const DEMO_FEED: &str = include_str!("../../../examples/demo-feed.csv");
const DEMO_MAPPINGS: [(&str, &str); 2] = [
    ("demo-genesys", include_str!("../../../examples/genesys-mapping.toml")),
    ("demo-cxone", include_str!("../../../examples/cxone-mapping.toml")),
];

/// A feed read into memory: the table, the digest of its bytes (it identifies the job in the
/// journal, with the sheet read when it is a workbook; the bytes themselves are not kept), and the
/// platform it was made for when the app knows it.
pub struct OpenFeed {
    pub path: PathBuf,
    pub table: Table,
    pub digest: FeedDigest,
    pub suggested: Option<PlatformKind>,
}

/// Writes the demo mappings into the templates folder unless a template of that name exists.
pub(super) fn seed_templates(paths: &Paths) -> std::io::Result<()> {
    let dir = paths.templates();
    std::fs::create_dir_all(&dir)?;
    for (name, text) in DEMO_MAPPINGS {
        let p = dir.join(format!("{name}.toml"));
        if !p.exists() {
            std::fs::write(p, text)?;
        }
    }
    Ok(())
}

fn template_path(paths: &Paths, name: &str) -> UiResult<PathBuf> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || " -_.".contains(c))
        && !name.starts_with('.');
    if !ok {
        return Err(Error::Config(format!(
            "template name '{name}' must be 1–64 letters, digits, spaces, '-', '_' or '.'"
        ))
        .into());
    }
    Ok(paths.templates().join(format!("{name}.toml")))
}

impl Desk {
    /// Opens a feed the user chose in the dialog or dropped on the window; any other path is
    /// refused before it is read.
    pub fn open_feed(&self, path: &Path) -> UiResult<FeedView> {
        self.open_feed_sheet(path, None)
    }

    /// [`Desk::open_feed`]; for a workbook, `sheet` by name (`None`: the first sheet whose first
    /// rows hold a recognisable header). The view lists the sheets so the import screen can offer
    /// the others; another sheet of a file already chosen needs no new choice.
    pub fn open_feed_sheet(&self, path: &Path, sheet: Option<&str>) -> UiResult<FeedView> {
        self.check_read(path)?;
        self.open_feed_as(path, None, None, sheet)
    }

    /// The demo feed that fits the built-in sandbox tenant, mapped for `platform` (Genesys when
    /// not given) with the demo mapping, so the whole job runs with no set-up.
    pub fn open_sample(&self, platform: Option<Platform>) -> UiResult<FeedView> {
        let kind: PlatformKind = platform.map_or(PlatformKind::Genesys, Into::into);
        let dir = self.paths.samples();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        let path = dir.join("demo-feed.csv");
        std::fs::write(&path, DEMO_FEED).map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
        let name = DEMO_MAPPINGS[if kind == PlatformKind::Genesys { 0 } else { 1 }].1;
        let mapping = Mapping::from_toml(name)?;
        self.open_feed_as(&path, Some(kind), Some(mapping), None)
    }

    /// Writes what the profile's tenant holds today as a feed at `path` and opens it: a starting
    /// point that plans as zero changes until edited.
    /// `path` must be where the user chose in the save dialog.
    pub async fn export_assignments(&self, profile: &str, path: &Path, layout: &str) -> UiResult<FeedView> {
        self.check_write(path)?;
        let layout: ExportLayout = layout.parse()?;
        let (conn, _) = self.connection(profile).await?;
        let kind = conn.platform;
        let client = skillsync_core::platform::client(&conn, Default::default())?;
        client.connect().await?;
        let snapshot = client.snapshot(&Events::none()).await?;
        export::write_feed(path, &snapshot, &ExportOptions { layout, ..ExportOptions::default() })?;
        self.open_feed_as(path, Some(kind), None, None)
    }

    pub(super) fn open_feed_as(
        &self,
        path: &Path,
        suggested: Option<PlatformKind>,
        mapping: Option<Mapping>,
        sheet: Option<&str>,
    ) -> UiResult<FeedView> {
        let options = ReadOptions { sheet: sheet.map(str::to_string) };
        let (digest, table) = import::read_file_with(path, &options)?;
        let (mapping, detect_error) = match mapping {
            Some(m) => (Some(m), None),
            None => match Mapping::detect(&table) {
                Ok(m) => (Some(m), None),
                Err(e) => (None, Some(e.to_string())),
            },
        };
        let view = FeedView {
            path: path.display().to_string(),
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            encoding: table.encoding.to_string(),
            delimiter: table.delimiter_name().to_string(),
            rows: table.len(),
            headers: table.headers.clone(),
            sample: table.rows().take(SAMPLE_ROWS).map(|r| r.cells().map(str::to_string).collect()).collect(),
            mapping: mapping.as_ref().map(MappingInput::from),
            detect_error,
            suggested_platform: suggested.map(Into::into),
            sheet: table.workbook.as_ref().map(|w| w.sheet.clone()),
            sheets: table.workbook.as_ref().map(|w| w.sheets.clone()).unwrap_or_default(),
            saved_template: path.file_name().and_then(|n| template_saved_for(&self.paths, &n.to_string_lossy())),
        };
        *self.feed.lock() = Some(Arc::new(OpenFeed { path: path.to_path_buf(), table, digest, suggested }));
        // A plan belongs to the feed it was made from.
        *self.plan.lock() = None;
        *self.rollback_of.lock() = None;
        Ok(view)
    }

    pub(super) fn current_feed(&self) -> UiResult<Arc<OpenFeed>> {
        self.feed.lock().clone().ok_or_else(UiError::no_feed)
    }

    /// The mapping applied to the open feed: every distinct value and what it becomes, the first
    /// rows as they will be planned, and the problems, without contacting the platform.
    pub fn preview_mapping(&self, input: &MappingInput, platform: Platform) -> UiResult<MappingPreview> {
        let feed = self.current_feed()?;
        let table = &feed.table;
        let kind: PlatformKind = platform.into();
        let mapping = Mapping::from(input);
        let mut out = MappingPreview {
            error: None,
            scale: kind.scale().into(),
            records: 0,
            valid: 0,
            problems: 0,
            values: Vec::new(),
            rows: Vec::new(),
            toml: mapping.to_toml(),
            blocked: None,
        };
        if let Err(e) = mapping.check(table, kind) {
            // A value typed off the platform's scale makes only its own rows wrong: the table stays
            // and the value's cell says why. Only columns that do not fit hide the map.
            let columns_only = Mapping { values: Default::default(), scale: None, ..mapping.clone() };
            if let Err(e) = columns_only.check(table, kind) {
                out.error = Some(app_words(&e.to_string()));
                out.blocked = out.error.clone();
                return Ok(out);
            }
            let without_values = Mapping { values: Default::default(), ..mapping.clone() };
            if mapping.scale.is_some() && without_values.check(table, kind).is_err() {
                out.error = Some(app_words(&e.to_string()));
            }
        }
        let mut values: Vec<DistinctValue> = mapping
            .distinct_values(table)
            .into_iter()
            .map(|(value, count)| {
                let (mapped, remove, problem) = split(mapping.convert_value(table, kind, &value));
                DistinctValue { value, count, mapped, remove, problem: problem.map(|p| app_words(&p)) }
            })
            .collect();
        // Most frequent first; the engine's order (numbers ascending, then words) breaks ties.
        values.sort_by_key(|v| std::cmp::Reverse(v.count));
        out.values = values;

        let fed = mapping.apply(table, kind);
        out.records = fed.records.len();
        out.valid = fed.records.iter().filter(|r| r.value.is_ok()).count();
        out.problems = fed.records.len() - out.valid + fed.problems.len();
        let mut rows: Vec<PreviewRow> = fed
            .records
            .iter()
            .map(|r| {
                let (value, remove, problem) = split(r.value.clone());
                PreviewRow {
                    line: r.line,
                    agent: r.agent.to_string(),
                    skill: r.skill.to_string(),
                    raw_value: r.raw_value.to_string(),
                    value,
                    remove,
                    problem: problem.map(|p| app_words(&p)),
                }
            })
            .chain(fed.problems.iter().map(|p| PreviewRow {
                line: p.line,
                agent: String::new(),
                skill: String::new(),
                raw_value: String::new(),
                value: None,
                remove: false,
                problem: Some(app_words(&p.message)),
            }))
            .collect();
        rows.sort_by_key(|r| r.line);
        rows.truncate(PREVIEW_ROWS);
        out.rows = rows;
        if out.valid == 0 {
            out.blocked = Some(if out.records == 0 {
                "No row would plan: the chosen columns give no records. Check the columns above.".to_string()
            } else {
                format!(
                    "No row would plan: all {} records have a problem. Fix the values marked in the Values table.",
                    out.records
                )
            });
        }
        Ok(out)
    }

    pub fn list_templates(&self) -> UiResult<Vec<String>> {
        let dir = self.paths.templates();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e).into()),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let p = e.path();
                (p.extension()? == "toml").then(|| p.file_stem()?.to_str().map(str::to_string))?
            })
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        Ok(names)
    }

    pub fn save_template(&self, name: &str, input: &MappingInput) -> UiResult<String> {
        let path = template_path(&self.paths, name)?;
        let dir = self.paths.templates();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        let from = self.feed.lock().as_ref().and_then(|f| f.path.file_name().map(|n| n.to_string_lossy().into_owned()));
        std::fs::write(&path, template_text(from.as_deref(), &Mapping::from(input)))
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
        Ok(path.display().to_string())
    }

    pub fn load_template(&self, name: &str) -> UiResult<MappingInput> {
        let path = template_path(&self.paths, name)?;
        Ok(MappingInput::from(&Mapping::load(&path)?))
    }
}

/// A template's first line when the app saved it from an open feed: the feed's file name, so
/// opening that file again offers the template. A comment, so the CLI reads the file as before.
const FEED_LINE: &str = "# feed: ";

/// A feed's file name as the feed line carries it: control characters (a newline) become spaces,
/// so a name cannot end the comment early.
fn feed_line_name(file_name: &str) -> String {
    file_name.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The template file's text: the feed line (when saved from a feed), then the mapping.
fn template_text(feed_file: Option<&str>, mapping: &Mapping) -> String {
    let line = feed_file.map(|n| format!("{FEED_LINE}{}\n", feed_line_name(n)));
    format!("{}{}", line.unwrap_or_default(), mapping.to_toml())
}

/// A template's first line, read no further than a file name's worth of bytes.
fn first_line(path: &Path) -> Option<String> {
    use std::io::{BufRead, Read};
    let mut line = String::new();
    std::io::BufReader::new(std::fs::File::open(path).ok()?.take(4096)).read_line(&mut line).ok()?;
    Some(line.trim_end_matches(['\r', '\n']).to_string())
}

/// The template saved from a feed named `file_name` (the newest, when several were), if any.
fn template_saved_for(paths: &Paths, file_name: &str) -> Option<String> {
    let wanted = feed_line_name(file_name);
    std::fs::read_dir(paths.templates())
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let p = e.path();
            if p.extension()? != "toml" {
                return None;
            }
            (first_line(&p)?.strip_prefix(FEED_LINE)? == wanted).then_some(())?;
            let modified = e.metadata().and_then(|m| m.modified()).ok();
            Some((modified, p.file_stem()?.to_str()?.to_string()))
        })
        .max()
        .map(|(_, name)| name)
}

/// A converted value as (value, is a removal, problem).
fn split(v: Result<Target, String>) -> (Option<f64>, bool, Option<String>) {
    match v {
        Ok(Target::Set(x)) => (Some(x), false, None),
        Ok(Target::Remove) => (None, true, None),
        Err(e) => (None, false, Some(e)),
    }
}

/// The engine's row messages speak to someone editing a mapping file; the app's analyst edits the
/// Map step instead. The same advice, in the screen's words.
pub(crate) fn app_words(message: &str) -> String {
    const SWAPS: [(&str, &str); 9] = [
        (
            "add it to [values] in the mapping file, e.g.",
            "type its platform value in the Values table on the Map step, e.g.",
        ),
        ("add it to [values], e.g.", "type its platform value in the Values table, e.g."),
        (" to the mapping file", " on the Map step (Numbers from … Linear rescale)"),
        ("after [values], ", "the platform value typed for it: "),
        ("after [scale], ", "after the rescale, "),
        ("map it with [values] or [scale]", "type a platform value for it on the Map step, or rescale"),
        ("map the feed's scale with [scale]", "rescale the feed's numbers on the Map step"),
        ("the mapping's [scale] from = ", "the rescale range "),
        ("or widen from", "or widen the rescale range on the Map step"),
    ];
    let mut out = message.to_string();
    for (from, to) in SWAPS {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out.replace("add [scale] from = [0, 100], to = ", "rescale from 0 to 100 onto ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(dir: &Path) -> Paths {
        Paths { config: dir.join("config"), data: dir.join("data") }
    }

    #[test]
    fn a_template_saved_from_a_feed_is_found_by_the_feed_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        std::fs::create_dir_all(paths.templates()).unwrap();
        let mapping = Mapping::from_toml("[columns]\nagent = \"Email\"\n\n[values]\nExpert = 5\n").unwrap();
        let text = template_text(Some("iex-nightly.csv"), &mapping);
        assert!(text.starts_with("# feed: iex-nightly.csv\n"), "{text}");
        assert_eq!(Mapping::from_toml(&text).unwrap(), mapping, "the feed line is a comment the engine skips");
        std::fs::write(paths.templates().join("iex.toml"), &text).unwrap();
        std::fs::write(paths.templates().join("other.toml"), template_text(Some("verint.xlsx"), &mapping)).unwrap();
        std::fs::write(paths.templates().join("plain.toml"), template_text(None, &mapping)).unwrap();
        assert_eq!(template_saved_for(&paths, "iex-nightly.csv").as_deref(), Some("iex"));
        assert_eq!(template_saved_for(&paths, "verint.xlsx").as_deref(), Some("other"));
        assert_eq!(template_saved_for(&paths, "new.csv"), None);
        assert!(
            !template_text(Some("a\nb.csv"), &mapping).starts_with("# feed: a\n"),
            "a newline cannot end the comment"
        );
    }
}
