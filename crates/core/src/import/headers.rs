//! What common WFM and platform exports call their columns, so a feed maps itself without a
//! mapping file. Names are compared after lower-casing and dropping spaces, `_`, `-` and `.`.

use crate::model::AgentKey;

/// A header name reduced to its letters and digits, lower-cased ("E-Mail Address" → "emailaddress").
pub(crate) fn normalize(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// What an agent column holds, judged by its name.
pub(crate) fn agent_key(norm: &str) -> Option<AgentKey> {
    match norm {
        "email" | "emailaddress" | "agentemail" | "agentemailaddress" | "useremail" => Some(AgentKey::Email),
        "username" | "login" | "user" | "logon" | "agentlogin" | "agentusername" | "loginname" => {
            Some(AgentKey::Username)
        }
        "id" | "agentid" | "userid" => Some(AgentKey::Id),
        "name" | "agentname" | "fullname" | "agent" => Some(AgentKey::Name),
        _ => None,
    }
}

/// Whether a row reads as a feed's header: it names an agent column and at least one other column.
/// Used to find the header of a workbook sheet below a title, and the sheet that holds the feed.
pub(crate) fn recognisable(cells: &[String]) -> bool {
    let named = cells.iter().filter(|c| !c.trim().is_empty()).count();
    named >= 2 && cells.iter().any(|c| agent_key(&normalize(c)).is_some())
}

/// Preference when a file has several agent columns: the most exact key wins.
pub(crate) fn agent_key_rank(key: AgentKey) -> u8 {
    match key {
        AgentKey::Email => 0,
        AgentKey::Username => 1,
        AgentKey::Id => 2,
        AgentKey::Name => 3,
    }
}

/// A column naming the skill by id (preferred: exact) or by name.
pub(crate) fn skill_rank(norm: &str) -> Option<u8> {
    match norm {
        "skillid" => Some(0),
        "skill" | "skillname" | "queueskill" | "routingskill" => Some(1),
        _ => None,
    }
}

pub(crate) fn is_proficiency(norm: &str) -> bool {
    matches!(
        norm,
        "proficiency" | "level" | "rating" | "score" | "value" | "proficiencylevel" | "skilllevel" | "proficiencyvalue"
    )
}

/// A column holding `Skill:level` pairs, as Genesys' people import writes them.
pub(crate) fn is_packed(norm: &str) -> bool {
    matches!(norm, "skills" | "skilllist" | "routingskills")
}

/// A column that says whether a row's name is a skill or a (Genesys routing) language.
pub(crate) fn is_kind(norm: &str) -> bool {
    matches!(norm, "kind" | "type" | "skilltype" | "skillkind" | "itemtype")
}

/// Columns a wide file carries beside its skills: never taken for a skill.
pub(crate) fn is_non_skill(norm: &str) -> bool {
    agent_key(norm).is_some()
        || is_proficiency(norm)
        || is_kind(norm)
        || matches!(
            norm,
            "team"
                | "teamname"
                | "site"
                | "department"
                | "dept"
                | "supervisor"
                | "manager"
                | "firstname"
                | "lastname"
                | "middlename"
                | "givenname"
                | "surname"
                | "title"
                | "jobtitle"
                | "role"
                | "division"
                | "location"
                | "employeeid"
                | "employeenumber"
                | "status"
                | "state"
                | "active"
                | "hiredate"
                | "startdate"
                | "notes"
                | "note"
                | "comment"
                | "comments"
                | "phone"
                | "extension"
                | "timezone"
                | "group"
                | "businessunit"
        )
}

/// A column name for a message, cut to 40 characters: a header cell (or a mapping's column name)
/// may hold a whole line of text.
pub(crate) fn cut(name: &str) -> std::borrow::Cow<'_, str> {
    const MAX_CHARS: usize = 40;
    match name.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}…", &name[..end]).into(),
        None => name.into(),
    }
}

/// The header's names for a message: as many as fit in about 300 characters (each cut to 40), then
/// the column count, so a sheet exported with thousands of columns, or a header of long names in
/// any script, makes a short error.
pub(crate) fn listed(headers: &[String]) -> String {
    const MAX_CHARS: usize = 300;
    let mut out = String::new();
    let mut chars = 0;
    for (i, h) in headers.iter().enumerate() {
        let name = cut(h);
        if i > 0 && chars + name.chars().count() > MAX_CHARS {
            out.push_str(&format!(", … ({} columns in all)", headers.len()));
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&name);
        chars += name.chars().count() + 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_variants_normalize_to_one_name() {
        for h in ["E-Mail", "email", " EMAIL ", "e_mail", "Email Address", "email_address"] {
            let key = agent_key(&normalize(h));
            assert_eq!(key, Some(AgentKey::Email), "{h:?} is an email column");
        }
    }

    #[test]
    fn agent_aliases_map_to_their_key() {
        let cases = [
            ("User Name", AgentKey::Username),
            ("Agent Login", AgentKey::Username),
            ("agent_id", AgentKey::Id),
            ("UserId", AgentKey::Id),
            ("Full Name", AgentKey::Name),
            ("Agent", AgentKey::Name),
        ];
        for (h, key) in cases {
            assert_eq!(agent_key(&normalize(h)), Some(key), "{h:?}");
        }
    }

    #[test]
    fn skill_id_outranks_skill_name() {
        let id = skill_rank(&normalize("skill_id")).expect("skill_id is a skill column");
        let name = skill_rank(&normalize("Skill Name")).expect("Skill Name is a skill column");
        assert!(id < name, "an id is exact, so it wins");
    }

    #[test]
    fn wide_side_columns_are_not_skills() {
        for h in ["Team", "First Name", "Supervisor", "site"] {
            assert!(is_non_skill(&normalize(h)), "{h:?} is not a skill");
        }
        assert!(!is_non_skill(&normalize("Billing - English")), "a skill name is a skill");
    }

    #[test]
    fn long_headers_are_listed_shortened() {
        let few: Vec<String> = ["email", "skill"].map(String::from).into();
        assert_eq!(listed(&few), "email, skill");
        let many: Vec<String> = (1..=10_000).map(|i| format!("Column{i}")).collect();
        let text = listed(&many);
        assert!(text.starts_with("Column1, Column2,") && text.ends_with("… (10000 columns in all)"), "{text}");
        assert!(text.chars().count() < 400, "{} characters", text.chars().count());
        assert_eq!(listed(&["x".repeat(100)]), format!("{}…", "x".repeat(40)));
        let wide: Vec<String> = (0..20).map(|_| "挰".repeat(60)).collect();
        assert!(listed(&wide).chars().count() < 400, "long names in any script: {}", listed(&wide));
    }
}
