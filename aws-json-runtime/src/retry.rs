//! AWS "standard" retries, as botocore implements them: which failures are
//! retried, how long to wait between attempts, and a retry quota that stops
//! retry storms when a service is down.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// Retry settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
}

impl RetryConfig {
    /// AWS standard mode: 3 attempts in all.
    pub const fn standard() -> Self {
        Self { max_attempts: 3 }
    }

    /// One attempt, no retries.
    pub const fn disabled() -> Self {
        Self { max_attempts: 1 }
    }

    /// Attempts in all, first included (at least 1).
    pub const fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// Attempts in all, first included.
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// Error codes that mean "slow down" (botocore's list).
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes that mean "try again" (botocore's list).
const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"];

/// Why a failed attempt may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retryable {
    /// The service asks callers to slow down.
    Throttling,
    /// A failure that may not happen again.
    Transient,
    /// Retrying would fail the same way.
    No,
}

/// Classifies an answer by status and error code. `never` lists codes the
/// service's hints say are not worth retrying, whatever the lists above say.
pub(crate) fn classify(status: u16, code: Option<&str>, never: &[&str]) -> Retryable {
    if code.is_some_and(|c| never.contains(&c)) {
        Retryable::No
    } else if status == 429 || code.is_some_and(|c| THROTTLING_CODES.contains(&c)) {
        Retryable::Throttling
    } else if matches!(status, 500 | 502 | 503 | 504) || code.is_some_and(|c| TRANSIENT_CODES.contains(&c)) {
        Retryable::Transient
    } else {
        Retryable::No
    }
}

/// The wait before retry number `retry` (0 for the first retry):
/// `jitter * min(scale * 2^retry, 20 s)`, scale 1 s for throttling and
/// 50 ms otherwise, raised to `x-amz-retry-after` (capped at 5 s more).
pub(crate) fn backoff(retry: u32, kind: Retryable, retry_after: Option<Duration>, jitter: f64) -> Duration {
    let scale = if kind == Retryable::Throttling { 1.0 } else { 0.05 };
    let exponential = (scale * 2f64.powi(retry.min(30) as i32)).min(20.0);
    let delay = jitter.clamp(0.0, 1.0) * exponential;
    let delay = match retry_after {
        Some(after) => delay.max(after.as_secs_f64().min(delay + 5.0)),
        None => delay,
    };
    Duration::from_secs_f64(delay)
}

/// The retry quota shared by one client's calls: retries spend tokens,
/// successes earn them back; with none left, failures are not retried.
#[derive(Debug)]
pub(crate) struct RetryQuota {
    tokens: AtomicU32,
}

const QUOTA_CAPACITY: u32 = 500;
const RETRY_COST: u32 = 14;
const THROTTLING_RETRY_COST: u32 = 5;
const SUCCESS_WITHOUT_RETRY_REFUND: u32 = 1;

impl Default for RetryQuota {
    fn default() -> Self {
        Self { tokens: AtomicU32::new(QUOTA_CAPACITY) }
    }
}

impl RetryQuota {
    /// Takes the cost of one retry; `None` when the quota cannot pay it.
    pub(crate) fn acquire(&self, kind: Retryable) -> Option<u32> {
        let cost = if kind == Retryable::Throttling { THROTTLING_RETRY_COST } else { RETRY_COST };
        self.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost)).ok().map(|_| cost)
    }

    /// Gives back after a success: the last retry's cost, or 1 if the call
    /// succeeded first time.
    pub(crate) fn release(&self, last_cost: Option<u32>) {
        let amount = last_cost.unwrap_or(SUCCESS_WITHOUT_RETRY_REFUND);
        let _ =
            self.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| Some((t + amount).min(QUOTA_CAPACITY)));
    }

    #[cfg(test)]
    pub(crate) fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

/// A uniform value in [0, 1) for jitter, from the standard library's random
/// hasher keys (no RNG dependency for a number that only spreads retries).
pub(crate) fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_follows_botocore() {
        assert_eq!(classify(400, Some("ThrottlingException"), &[]), Retryable::Throttling);
        assert_eq!(classify(429, None, &[]), Retryable::Throttling);
        assert_eq!(classify(400, Some("RequestTimeout"), &[]), Retryable::Transient);
        for status in [500, 502, 503, 504] {
            assert_eq!(classify(status, None, &[]), Retryable::Transient);
        }
        assert_eq!(classify(501, None, &[]), Retryable::No);
        assert_eq!(classify(400, Some("RepositoryNotFoundException"), &[]), Retryable::No);
        assert_eq!(classify(400, Some("LimitExceededException"), &[]), Retryable::Throttling);
        assert_eq!(classify(400, Some("LimitExceededException"), &["LimitExceededException"]), Retryable::No);
    }

    #[test]
    fn backoff_is_capped_exponential_with_retry_after() {
        assert_eq!(backoff(0, Retryable::Transient, None, 1.0), Duration::from_millis(50));
        assert_eq!(backoff(3, Retryable::Transient, None, 1.0), Duration::from_millis(400));
        assert_eq!(backoff(2, Retryable::Throttling, None, 0.5), Duration::from_secs(2));
        assert_eq!(backoff(10, Retryable::Throttling, None, 1.0), Duration::from_secs(20));
        assert_eq!(backoff(0, Retryable::Transient, None, 0.0), Duration::ZERO);
        // Raised to the header, but never more than 5 s past the computed delay.
        assert_eq!(backoff(0, Retryable::Transient, Some(Duration::from_secs(2)), 0.0), Duration::from_secs(2));
        assert_eq!(backoff(0, Retryable::Transient, Some(Duration::from_secs(60)), 0.0), Duration::from_secs(5));
        assert_eq!(backoff(0, Retryable::Throttling, Some(Duration::from_millis(100)), 1.0), Duration::from_secs(1));
    }

    #[test]
    fn quota_spends_and_refunds() {
        let quota = RetryQuota::default();
        assert_eq!(quota.acquire(Retryable::Transient), Some(14));
        assert_eq!(quota.acquire(Retryable::Throttling), Some(5));
        assert_eq!(quota.available(), 481);
        quota.release(Some(5));
        quota.release(None);
        assert_eq!(quota.available(), 487);
        while quota.acquire(Retryable::Transient).is_some() {}
        assert!(quota.available() < 14);
        quota.release(Some(14));
        quota.release(Some(14));
        quota.release(Some(14));
        assert!(quota.available() <= QUOTA_CAPACITY);
    }

    #[test]
    fn jitter_is_in_range_and_varies() {
        let values: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        assert!(values.windows(2).any(|w| w[0] != w[1]));
    }

    #[test]
    fn max_attempts_is_at_least_one() {
        assert_eq!(RetryConfig::standard().max_attempts(), 3);
        assert_eq!(RetryConfig::disabled().max_attempts(), 1);
        assert_eq!(RetryConfig::standard().with_max_attempts(0).max_attempts(), 1);
    }
}
