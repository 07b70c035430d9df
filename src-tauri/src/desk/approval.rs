//! Plans saved for approval and applied later: the current plan written where the user chose,
//! and a saved plan opened as the current plan once its checksum, platform and tenant check out.
//! The apply's drift check (`job.rs`) then covers it like any plan: never trusted, re-read.

use super::job::{blocking, PlanSource, Planned};
use super::Desk;
use crate::dto::PlanView;
use crate::error::{UiError, UiResult};
use skillsync_core::approval::SavedPlan;
use skillsync_core::platform::{self, HttpSettings};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

impl Desk {
    /// Writes the current plan for approval to `path` (from `choose_file("plan")`); returns the path.
    pub async fn save_plan(&self, path: &Path) -> UiResult<String> {
        let planned = self.plan.lock().clone().ok_or_else(UiError::no_plan)?;
        self.check_write(path)?;
        let saved = match &planned.source {
            PlanSource::Feed { loaded, options } => SavedPlan::new(
                planned.client.kind(),
                &planned.job_id.tenant,
                &planned.tenant,
                loaded,
                options,
                &planned.prepared,
            ),
            // Saved again as approved: the same file, the same checksum.
            PlanSource::Approved(saved) => (**saved).clone(),
        };
        let (target, names) = (path.to_path_buf(), planned.names.clone());
        // Beside the plan file, its readable copies (HTML, CSV) for an approver without Skillsync.
        blocking(move || saved.save_for_approval(&target, &names)).await?;
        Ok(path.display().to_string())
    }

    /// Opens a saved plan (from `choose_file("approved_plan")`) as the current plan, for `profile`'s
    /// tenant: an edited file, or one made for another platform or tenant, is refused before
    /// anything is read from the tenant.
    pub async fn open_approved_plan(&self, profile: &str, path: &Path) -> UiResult<PlanView> {
        let _busy = self.begin("opening a plan")?;
        self.check_read(path)?;
        let started = Instant::now();
        let file = path.to_path_buf();
        let saved = blocking(move || SavedPlan::load(&file)).await?;
        let (conn, tenant) = self.connection(profile).await?;
        saved.check_target(&conn)?;
        let client = platform::client(&conn, HttpSettings::default())?;
        client.connect().await?;
        client.assume_tenant_size(saved.tenant_size.agents, saved.tenant_size.assignments);
        let prepared = saved.prepared(client.as_ref());
        // The names it was approved with (the tenant is not read in full to open it).
        let names = Arc::new(saved.names.clone());
        let job_id = saved.job_id();
        let journal_path = self.paths.journals().join(format!("{}.jsonl", job_id.file_stem()));
        let options = saved.options.clone();
        let approved = crate::dto::ApprovedPlanView {
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            path: path.display().to_string(),
            created_at: saved.created_at.clone(),
            tenant: saved.tenant_label.clone(),
            feed: saved.feed.name.clone(),
        };
        let planned = Planned {
            profile: profile.to_string(),
            tenant,
            client,
            source: PlanSource::Approved(Box::new(saved)),
            names,
            prepared,
            job_id,
            journal_path,
            options,
            base_url: conn.base_url.clone(),
            rollback_of: None,
        };
        let mut view = self.keep_plan(planned, started, false).await?;
        view.approved = Some(approved);
        Ok(view)
    }
}
