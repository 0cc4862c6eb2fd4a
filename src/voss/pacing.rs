//! Client-wide pacing after HTTP 429: a shared gate at the instant `Retry-After` names and
//! a paced rate of requests (AIMD: cut to a share of what the server answered, grown
//! slowly), so that concurrent requests slow down together. Pure state with the clock
//! passed in, tested without a network.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How the client slows down when the server answers 429 ("too many requests"). Tuning,
/// not API facts: every value is [ours]. A 429 is the server asking the client to slow
/// down, not a failure: it does not spend a request's [`super::retry::RetryPolicy::max_attempts`];
/// the request waits and is sent again for up to `max_throttled`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pacing {
    /// The longest wait one `Retry-After` is obeyed for (a larger ask is cut to this).
    pub max_retry_after: Duration,
    /// A request stops being sent again after 429s once this long has gone since its
    /// first 429 (then it fails as `Unavailable`, status 429).
    pub max_throttled: Duration,
    /// After a 429 the client sends at most this share of the requests the server
    /// answered (not 429) in the second before, per second.
    pub decrease: f64,
    /// While no 429 comes, the paced rate grows by this many requests per second, each
    /// second.
    pub increase: f64,
    /// A paced rate below this (requests per second) is not kept: with so few requests
    /// the shared wait of `Retry-After` alone spaces them.
    pub min_rate: f64,
    /// A paced rate grown above this (requests per second) is dropped: unpaced again.
    pub max_rate: f64,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            max_retry_after: Duration::from_secs(60),
            max_throttled: Duration::from_secs(120),
            decrease: 0.9,
            increase: 0.5,
            min_rate: 5.0,
            max_rate: 10_000.0,
        }
    }
}

/// The answers (not 429) counted for the rate estimate: those of the last second, at most
/// this many.
const ANSWERS_KEPT: usize = 10_000;

/// Client-wide pacing shared by every request of one client (clones included), so that
/// concurrent requests slow down together after a 429 instead of each meeting its own.
///
/// Two rules, both started by a 429:
/// - a **gate**: no request is sent before the instant the 429's `Retry-After` names
///   (bounded by [`Pacing::max_retry_after`]);
/// - a **pace**: requests start at most `rate` per second, `rate` being
///   [`Pacing::decrease`] times the answers the server gave in the second before the 429
///   (its limit, as seen), cut again at most once per round of requests (a 429 of a request
///   sent before the last cut does not cut again), grown by [`Pacing::increase`] per
///   second while answers come, and dropped when it grows past [`Pacing::max_rate`].
///
/// The methods take the current instant so that they are tested without a clock.
#[derive(Debug)]
pub struct Pacer {
    pacing: Pacing,
    state: Mutex<PacerState>,
}

#[derive(Debug, Default)]
struct PacerState {
    /// No request is sent before this.
    gate: Option<Instant>,
    /// Requests per second, when paced.
    rate: Option<f64>,
    /// The earliest start of the next request when paced.
    next_slot: Option<Instant>,
    /// When the rate was last cut.
    last_cut: Option<Instant>,
    /// When recent answers (not 429) came, oldest first.
    answers: VecDeque<Instant>,
}

impl Pacer {
    /// A pacer that has not been asked to slow down yet.
    pub fn new(pacing: Pacing) -> Pacer {
        Pacer {
            pacing,
            state: Mutex::new(PacerState::default()),
        }
    }

    fn state(&self) -> MutexGuard<'_, PacerState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reserves the instant a request may be sent at (`now` or later): after the gate and,
    /// when paced, one `1 / rate` after the request reserved before it.
    pub fn slot(&self, now: Instant) -> Instant {
        let mut state = self.state();
        let mut start = now;
        if let Some(gate) = state.gate {
            start = start.max(gate);
        }
        if let Some(rate) = state.rate {
            if let Some(next) = state.next_slot {
                start = start.max(next);
            }
            state.next_slot = Some(start + Duration::from_secs_f64(1.0 / rate));
        }
        start
    }

    /// The server answered a request (anything but 429) at `now`.
    pub fn answered(&self, now: Instant) {
        let mut state = self.state();
        if state.answers.len() >= ANSWERS_KEPT {
            state.answers.pop_front();
        }
        state.answers.push_back(now);
        if let Some(rate) = state.rate {
            let grown = rate + self.pacing.increase / rate;
            if grown > self.pacing.max_rate {
                state.rate = None;
                state.next_slot = None;
            } else {
                state.rate = Some(grown);
            }
        }
    }

    /// A request sent at `sent` was answered 429 at `now`, asking to wait `asked`
    /// (`Retry-After`; `None` when the answer named no time: then `fallback`). Closes the
    /// gate until then for every request, cuts the rate, and returns the wait it set.
    pub fn throttled(
        &self,
        sent: Instant,
        now: Instant,
        asked: Option<Duration>,
        fallback: Duration,
    ) -> Duration {
        let wait = asked.unwrap_or(fallback).min(self.pacing.max_retry_after);
        let mut state = self.state();
        let until = now + wait;
        state.gate = Some(state.gate.map_or(until, |gate| gate.max(until)));
        if state.last_cut.is_none_or(|cut| sent >= cut) {
            let second_ago = now.checked_sub(Duration::from_secs(1));
            while let (Some(first), Some(since)) = (state.answers.front(), second_ago) {
                if *first >= since {
                    break;
                }
                state.answers.pop_front();
            }
            let seen = state.answers.len() as f64;
            let rate = match state.rate {
                Some(rate) => (seen.min(rate)) * self.pacing.decrease,
                None => seen * self.pacing.decrease,
            };
            if rate >= self.pacing.min_rate {
                state.rate = Some(rate);
            } else {
                state.rate = None;
                state.next_slot = None;
            }
            state.last_cut = Some(now);
        }
        wait
    }

    /// The tuning this pacer keeps.
    pub fn pacing(&self) -> Pacing {
        self.pacing
    }

    /// Requests per second when paced (`None`: unpaced).
    pub fn rate(&self) -> Option<f64> {
        self.state().rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A pacer that saw `n` answers spread over the 500 ms before `t0 + 1 s`.
    fn busy(n: u64) -> (Pacer, Instant) {
        let pacer = Pacer::new(Pacing::default());
        let t0 = Instant::now();
        for i in 0..n {
            pacer.answered(t0 + ms(500) + ms(500 * i / n.max(1)));
        }
        (pacer, t0 + Duration::from_secs(1))
    }

    #[test]
    fn unpaced_until_the_first_429() {
        let (pacer, now) = busy(100);
        assert_eq!(pacer.slot(now), now);
        assert_eq!(pacer.slot(now), now, "no spacing without a 429");
        assert_eq!(pacer.rate(), None);
    }

    #[test]
    fn a_429_holds_every_request_until_its_retry_after() {
        let (pacer, now) = busy(50);
        let wait = pacer.throttled(now - ms(10), now, Some(Duration::from_secs(1)), ms(100));
        assert_eq!(wait, Duration::from_secs(1));
        // Every other request, however early it asks, starts at the gate or later.
        let first = pacer.slot(now + ms(1));
        assert_eq!(first, now + Duration::from_secs(1));
        let second = pacer.slot(now + ms(2));
        assert!(second > first, "paced after the gate: {:?}", second - first);
    }

    #[test]
    fn a_429_paces_at_a_share_of_what_the_server_answered() {
        let (pacer, now) = busy(50);
        pacer.throttled(now, now, Some(Duration::ZERO), ms(100));
        let rate = pacer.rate().unwrap();
        assert!((rate - 45.0).abs() < 1e-9, "{rate}");
        // 45 per second: one start each 22.2 ms.
        let a = pacer.slot(now);
        let b = pacer.slot(now);
        let c = pacer.slot(now);
        assert_eq!(a, now);
        let gap = (b - a).as_secs_f64();
        assert!((gap - 1.0 / 45.0).abs() < 1e-6, "{gap}");
        assert_eq!(c - b, b - a);
    }

    #[test]
    fn answers_older_than_a_second_do_not_count() {
        let (pacer, now) = busy(50);
        // 1.1 s later only the 20 answers given since then count.
        let later = now + ms(1100);
        for i in 0..20 {
            pacer.answered(later - ms(i * 10));
        }
        pacer.throttled(later, later, None, ms(100));
        assert!((pacer.rate().unwrap() - 18.0).abs() < 1e-9);
    }

    #[test]
    fn the_429s_of_one_round_cut_the_rate_once() {
        let (pacer, now) = busy(50);
        pacer.throttled(now - ms(5), now, Some(ms(1000)), ms(100));
        // The requests in flight with it, sent before the cut, meet 429s too.
        for i in 1..8 {
            pacer.throttled(now - ms(5), now + ms(i), Some(ms(1000)), ms(100));
        }
        assert!((pacer.rate().unwrap() - 45.0).abs() < 1e-9);
        // A request sent after the cut that still meets a 429 cuts again.
        pacer.throttled(now + ms(50), now + ms(60), Some(ms(1000)), ms(100));
        assert!(pacer.rate().unwrap() < 45.0 * 0.9 + 1e-9);
    }

    #[test]
    fn the_gate_is_the_latest_asked_and_bounded() {
        let (pacer, now) = busy(50);
        pacer.throttled(now, now, Some(Duration::from_secs(3)), ms(100));
        pacer.throttled(now, now + ms(1), Some(Duration::from_secs(1)), ms(100));
        assert_eq!(pacer.slot(now), now + Duration::from_secs(3));
        let asked = Duration::from_secs(3600);
        let wait = pacer.throttled(now, now, Some(asked), ms(100));
        assert_eq!(wait, Pacing::default().max_retry_after);
    }

    #[test]
    fn a_429_without_retry_after_waits_the_fallback() {
        let (pacer, now) = busy(50);
        assert_eq!(pacer.throttled(now, now, None, ms(250)), ms(250));
        assert_eq!(pacer.slot(now), now + ms(250));
    }

    #[test]
    fn the_rate_grows_while_answers_come_and_is_dropped_when_high() {
        let pacing = Pacing {
            max_rate: 60.0,
            ..Pacing::default()
        };
        let pacer = Pacer::new(pacing);
        let now = Instant::now();
        for _ in 0..50 {
            pacer.answered(now);
        }
        pacer.throttled(now, now, None, ms(1));
        assert!((pacer.rate().unwrap() - 45.0).abs() < 1e-9);
        // One second's answers at 45 per second add `increase` (0.5) per second.
        for _ in 0..45 {
            pacer.answered(now);
        }
        let grown = pacer.rate().unwrap();
        assert!((grown - 45.5).abs() < 0.01, "{grown}");
        // Many seconds without a 429: past max_rate the pace is dropped.
        for _ in 0..5_000 {
            pacer.answered(now);
        }
        assert_eq!(pacer.rate(), None);
        assert_eq!(pacer.slot(now + ms(2)), now + ms(2));
    }

    #[test]
    fn a_few_requests_are_not_paced_only_held_at_the_gate() {
        let (pacer, now) = busy(2);
        pacer.throttled(now, now, Some(ms(10)), ms(100));
        assert_eq!(pacer.rate(), None);
        assert_eq!(pacer.slot(now), now + ms(10));
        assert_eq!(pacer.slot(now), now + ms(10));
    }
}
