//! Numbers from outside — a server's headers and bodies, the command line — turned into durations
//! and instants that cannot overflow or panic, whatever they say (`Retry-After: 1e20`, an
//! `expires_in` of centuries, `--timeout 1e30`). Each is clamped to a documented maximum first.

use std::time::Duration;
use tokio::time::Instant;

/// The longest any wait or lifetime is taken to be: a year. Nothing the clients do waits that
/// long; the clamp only keeps `Instant + Duration` from overflowing.
pub const HORIZON: Duration = Duration::from_secs(365 * 24 * 3600);

/// The longest `--timeout` (seconds) the command line accepts.
pub const MAX_TIMEOUT_SECS: f64 = 3600.0;

/// The most pages one listing is read in. A tenant of 1,000,000 users is 2,000 Genesys pages and
/// 1,000 CXone pages; a server that counts more, or pages so small that it would take more, is
/// refused instead of followed.
pub const MAX_PAGES: u64 = 10_000;

/// The most pages one Genesys user's skills or languages are read in (100 a page; the platform
/// allows 50 skills per user in common setups, a few hundred at most).
pub const MAX_USER_PAGES: u64 = 100;

/// A page count from a server, checked against [`MAX_PAGES`] (`what` names the listing).
pub fn pages(what: &str, n: u64, max: u64) -> crate::error::Result<u64> {
    if n > max {
        return Err(crate::error::Error::Api {
            method: "GET".into(),
            path: what.to_string(),
            status: 200,
            message: format!(
                "the server announces {n} pages; more than {max} pages is not a listing this client follows"
            ),
            correlation_id: None,
        });
    }
    Ok(n)
}

/// The instant `d` from now, with `d` clamped to [`HORIZON`].
pub fn from_now(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d.min(HORIZON)).unwrap_or(now)
}

/// Seconds as a server writes them (a whole or decimal number), as a duration clamped to
/// [`HORIZON`]; `None` for anything else (negative, NaN, infinite, not a number).
pub fn seconds(text: &str) -> Option<Duration> {
    let v = text.trim().parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0)?;
    Some(Duration::try_from_secs_f64(v.min(HORIZON.as_secs_f64())).unwrap_or(HORIZON))
}

/// Whole seconds (an OAuth `expires_in`, a rate limit's reset), clamped to [`HORIZON`].
pub fn whole_seconds(v: u64) -> Duration {
    Duration::from_secs(v.min(HORIZON.as_secs()))
}

/// `--timeout`: a positive number of seconds up to [`MAX_TIMEOUT_SECS`].
pub fn timeout(secs: f64) -> Result<Duration, String> {
    if !(secs.is_finite() && secs > 0.0 && secs <= MAX_TIMEOUT_SECS) {
        return Err(format!("--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT_SECS}"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_seconds_are_clamped_or_refused_never_a_panic() {
        assert_eq!(seconds("3"), Some(Duration::from_secs(3)));
        assert_eq!(seconds(" 1.5 "), Some(Duration::from_millis(1500)));
        for huge in ["1e20", "1e308", "999999999999999999999"] {
            assert_eq!(seconds(huge), Some(HORIZON), "{huge} is clamped");
        }
        for bad in ["-5", "NaN", "inf", "-inf", "soon", ""] {
            assert_eq!(seconds(bad), None, "{bad:?} is no number of seconds");
        }
        assert_eq!(whole_seconds(u64::MAX), HORIZON);
        let _ = from_now(Duration::MAX);
        let _ = from_now(whole_seconds(u64::MAX));
    }

    #[test]
    fn the_timeout_is_bounded() {
        assert_eq!(timeout(2.5), Ok(Duration::from_millis(2500)));
        for bad in [0.0, -1.0, 1e30, f64::NAN, f64::INFINITY, 3601.0] {
            assert!(timeout(bad).is_err(), "{bad} refused");
        }
    }
}
