//! Word lists a generated tenant draws from, so demo data reads like a real contact center.

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Maria", "James", "Aisha", "Chen", "Sofia", "Liam", "Fatima", "Noah", "Priya", "Lucas", "Amara", "Mateo", "Yuki",
    "Olivia", "Omar", "Emma", "Hiroshi", "Isabella", "Kwame", "Ava", "Diego", "Mia", "Arjun", "Chloe", "Elena",
    "Ethan", "Nadia", "Samuel", "Leila", "Daniel", "Ingrid", "Gabriel", "Zara", "Henry", "Rosa", "Benjamin", "Mei",
    "Jonas", "Ana", "Tomas", "Grace", "Ravi", "Hannah", "Luca", "Julia", "Kenji", "Sara", "Malik", "Nora", "Pedro",
    "Emily", "Tariq", "Lena", "Oscar", "Alice", "Felix", "Carmen", "David", "Ines", "Victor", "Chiara", "Ahmed",
    "Laura", "Marco", "Freya", "Andre", "Sienna", "Paul", "Noura", "Jack",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Garcia",
    "Smith",
    "Khan",
    "Wang",
    "Rossi",
    "Murphy",
    "Haddad",
    "Johnson",
    "Patel",
    "Silva",
    "Okafor",
    "Hernandez",
    "Tanaka",
    "Brown",
    "Nasser",
    "Miller",
    "Sato",
    "Lopez",
    "Mensah",
    "Davis",
    "Martinez",
    "Wilson",
    "Sharma",
    "Dubois",
    "Petrov",
    "Anderson",
    "Kowalski",
    "Thomas",
    "Jensen",
    "Moore",
    "Novak",
    "Taylor",
    "Ali",
    "Martin",
    "Costa",
    "Clark",
    "Li",
    "Schmidt",
    "Fernandes",
    "Walker",
    "Nguyen",
    "Young",
    "Ibrahim",
    "King",
    "Kim",
    "Wright",
    "Bianchi",
    "Scott",
    "O'Brien",
    "Green",
    "Yamamoto",
    "Baker",
    "Hassan",
    "Adams",
    "Eriksson",
    "Nelson",
    "Moreau",
    "Hill",
    "Van Dijk",
    "Campbell",
    "Mitchell",
    "Ramos",
    "Roberts",
];

/// What customers call about.
pub(crate) const TOPICS: &[&str] = &[
    "Billing",
    "Tech Support",
    "Sales",
    "Retention",
    "Collections",
    "Claims",
    "Onboarding",
    "Returns",
    "Shipping",
    "Account Management",
    "Fraud",
    "Payments",
    "Warranty",
    "Installations",
    "Escalations",
    "Loyalty",
    "Upgrades",
    "Cancellations",
    "General Inquiries",
    "Appointments",
    "Renewals",
    "Disputes",
    "Orders",
    "Product Info",
    "VIP Care",
];

pub(crate) const LANGUAGES: &[&str] =
    &["English", "Spanish", "French", "German", "Portuguese", "Italian", "Dutch", "Japanese"];

pub(crate) const CHANNELS: &[&str] = &["Chat", "Email", "Voice", "SMS", "Social"];

pub(crate) const TIERS: &[&str] = &["Tier 1", "Tier 2", "Tier 3"];

/// Every distinct skill name the generator can use, in a fixed order (over 500 of them).
pub(crate) fn skill_names() -> Vec<String> {
    let mut names: Vec<String> = TOPICS.iter().map(|t| t.to_string()).collect();
    for t in TOPICS {
        names.extend(LANGUAGES.iter().map(|l| format!("{t} - {l}")));
        names.extend(TIERS.iter().map(|tier| format!("{t} {tier}")));
        names.push(format!("{t} - Premium"));
        names.push(format!("{t} - Outbound"));
    }
    for c in CHANNELS {
        names.push(format!("{c} - Premium"));
        names.extend(TOPICS.iter().map(|t| format!("{c} - {t}")));
        names.extend(LANGUAGES.iter().map(|l| format!("{c} - {l}")));
    }
    names
}

/// Lower-case ASCII letters only, for email addresses and usernames.
pub(crate) fn slug(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphabetic()).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_over_500_distinct_skill_names() {
        let names = skill_names();
        let distinct: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len(), "no duplicates");
        assert!(names.len() >= 500, "got {}", names.len());
        assert!(names.contains(&"Billing - English".to_string()), "the documented example exists");
        assert!(names.contains(&"Tech Support Tier 2".to_string()), "tiered names exist");
        assert!(names.contains(&"Chat - Premium".to_string()), "channel names exist");
    }

    #[test]
    fn slug_keeps_only_letters() {
        assert_eq!(slug("O'Brien"), "obrien", "apostrophe dropped");
        assert_eq!(slug("Van Dijk"), "vandijk", "space dropped");
    }
}
