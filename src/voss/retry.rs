//! When to try an idempotent request again, and how long to wait first: pure functions,
//! tested without a network.

use std::time::Duration;

/// Exponential backoff with full jitter, bounded by attempts and by total time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// No retry starts once this much time has gone since the first attempt.
    pub max_total: Duration,
    /// The backoff ceiling before the first retry; doubled for each further one.
    pub base: Duration,
    /// The largest backoff ceiling.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            max_total: Duration::from_secs(30),
            base: Duration::from_millis(100),
            cap: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first retry). Full jitter: a uniform
    /// share `jitter` (0.0..=1.0) of `min(cap, base * 2^retry)`. A `Retry-After` from the
    /// server wins when it asks for longer.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(2u32.saturating_pow(retry.min(31)))
            .min(self.cap);
        let backoff = ceiling.mul_f64(jitter.clamp(0.0, 1.0));
        match retry_after {
            Some(asked) => asked.max(backoff),
            None => backoff,
        }
    }

    /// The wait before the next attempt, or `None` to give up: after `attempts_made`
    /// attempts that took `elapsed` so far. Gives up when the attempts are spent or when
    /// waiting would end past `max_total`.
    pub fn next_wait(
        &self,
        attempts_made: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Option<Duration> {
        if attempts_made >= self.max_attempts {
            return None;
        }
        let wait = self.delay(attempts_made.saturating_sub(1), retry_after, jitter);
        (elapsed + wait <= self.max_total).then_some(wait)
    }
}

/// Reads a `Retry-After` header given in seconds (the HTTP-date form is not used by VOSS
/// Automate and is ignored).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// How often and how long a transaction is polled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollPolicy {
    /// The wait before the first poll.
    pub first: Duration,
    /// Each wait is this many times the one before...
    pub growth: f64,
    /// ...up to this.
    pub max_interval: Duration,
    /// A transaction still running after this long is reported as `Uncertain`; polls that
    /// get no answer (429 after its `Retry-After`, 5xx, time-outs) are tried again within
    /// this budget, each after the read's own retries.
    pub max_wait: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            first: Duration::from_millis(20),
            growth: 1.5,
            max_interval: Duration::from_millis(500),
            max_wait: Duration::from_secs(300),
        }
    }
}

impl PollPolicy {
    /// The wait before poll number `n` (0 for the first).
    pub fn interval(&self, n: u32) -> Duration {
        let grown = self.first.as_secs_f64() * self.growth.max(1.0).powi(n.min(64) as i32);
        Duration::from_secs_f64(grown.min(self.max_interval.as_secs_f64()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            max_total: Duration::from_secs(10),
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1000),
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = policy();
        assert_eq!(p.delay(0, None, 1.0), Duration::from_millis(100));
        assert_eq!(p.delay(1, None, 1.0), Duration::from_millis(200));
        assert_eq!(p.delay(2, None, 1.0), Duration::from_millis(400));
        assert_eq!(p.delay(3, None, 1.0), Duration::from_millis(800));
        assert_eq!(p.delay(4, None, 1.0), Duration::from_millis(1000));
        assert_eq!(p.delay(60, None, 1.0), Duration::from_millis(1000));
    }

    #[test]
    fn full_jitter_scales_the_whole_wait() {
        let p = policy();
        assert_eq!(p.delay(2, None, 0.0), Duration::ZERO);
        assert_eq!(p.delay(2, None, 0.5), Duration::from_millis(200));
        assert_eq!(p.delay(2, None, 7.0), Duration::from_millis(400));
    }

    #[test]
    fn retry_after_is_honoured_when_longer() {
        let p = policy();
        let asked = Some(Duration::from_secs(2));
        assert_eq!(p.delay(0, asked, 1.0), Duration::from_secs(2));
        assert_eq!(
            p.delay(3, Some(Duration::ZERO), 1.0),
            Duration::from_millis(800)
        );
    }

    #[test]
    fn gives_up_after_the_attempts() {
        let p = policy();
        assert!(p.next_wait(1, Duration::ZERO, None, 1.0).is_some());
        assert!(p.next_wait(3, Duration::ZERO, None, 1.0).is_some());
        assert_eq!(p.next_wait(4, Duration::ZERO, None, 1.0), None);
    }

    #[test]
    fn gives_up_when_the_wait_would_pass_the_total() {
        let p = policy();
        let asked = Some(Duration::from_secs(3));
        assert_eq!(
            p.next_wait(1, Duration::from_secs(6), asked, 1.0),
            Some(Duration::from_secs(3))
        );
        assert_eq!(p.next_wait(1, Duration::from_secs(8), asked, 1.0), None);
    }

    #[test]
    fn retry_after_in_seconds_only() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
