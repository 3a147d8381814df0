//! Waiters: poll an operation until its answer's state says done, with a
//! caller-given maximum wait and jittered backoff between a minimum and a
//! maximum delay. A failure state or a timeout is an error that carries the
//! last answer.

use super::client::Client;
use super::error::{InvalidInput, SdkError};
use super::Operation;
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;
use tokio::time::Instant;

/// Implemented by the generated code for each waiter: what to look at in
/// the polled operation's answer, and which states end the wait.
pub trait WaitFor<I: Operation> {
    /// The waiter's name, e.g. `ImageScanComplete`.
    const NAME: &'static str;
    /// States that mean success.
    const SUCCESS: &'static [&'static str];
    /// States that mean failure.
    const FAILURE: &'static [&'static str];
    /// Least time between polls.
    const MIN_DELAY: Duration;
    /// How long to wait by default.
    const MAX_WAIT: Duration;
    /// The state in an answer, if it has one.
    fn state(output: &I::Output) -> Option<&str>;
}

/// Longest pause between polls, unless set otherwise (as the AWS SDKs).
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(120);

/// A wait for the state rule `R` on operation `I`; run it with
/// [`Waiter::wait`].
#[must_use = "a waiter does nothing until it waits"]
pub struct Waiter<I: Operation, R> {
    client: Client<I::Service>,
    input: Result<I, InvalidInput>,
    max_wait: Duration,
    min_delay: Duration,
    max_delay: Duration,
    on_poll: Option<OnPoll>,
    rule: PhantomData<fn() -> R>,
}

/// Hears of every poll.
pub type OnPoll = Box<dyn FnMut(&Poll<'_>) + Send>;

/// What a waiter saw at one poll: for progress reports.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Poll<'a> {
    /// The waiter's name.
    pub waiter: &'static str,
    /// Polls so far, this one included.
    pub polls: u32,
    /// The state the answer carried, if any.
    pub state: Option<&'a str>,
    /// Time since the wait began.
    pub elapsed: Duration,
}

impl<I, R> Waiter<I, R>
where
    I: Operation + Clone,
    R: WaitFor<I>,
{
    /// A waiter polling with `input`, or failing at once with its error.
    pub fn new(client: Client<I::Service>, input: Result<I, InvalidInput>) -> Self {
        Self {
            client,
            input,
            max_wait: R::MAX_WAIT,
            min_delay: R::MIN_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
            on_poll: None,
            rule: PhantomData,
        }
    }

    /// How long to wait at most, polls and pauses included.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The least and the most time between polls; pauses grow
    /// exponentially from `min` to `max`, jittered.
    pub fn delays(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max.max(min);
        self
    }

    /// Calls `observer` after every poll (a progress display, say).
    pub fn on_poll(mut self, observer: impl FnMut(&Poll<'_>) + Send + 'static) -> Self {
        self.on_poll = Some(Box::new(observer));
        self
    }

    /// Polls until a success state (the last answer), a failure state, the
    /// maximum wait, or an error from the operation.
    pub async fn wait(mut self) -> Result<I::Output, WaitError<I::Output, I::Error>> {
        let input = self.input.clone().map_err(|e| WaitError::Operation(R::NAME, SdkError::InvalidInput(e)))?;
        let started = Instant::now();
        let mut polls = 0u32;
        loop {
            let output = self.client.send(input.clone()).await.map_err(|e| WaitError::Operation(R::NAME, e))?;
            polls += 1;
            let state = R::state(&output).map(str::to_owned);
            tracing::debug!(waiter = R::NAME, polls, state = state.as_deref(), "polled");
            if let Some(observer) = &mut self.on_poll {
                observer(&Poll { waiter: R::NAME, polls, state: state.as_deref(), elapsed: started.elapsed() });
            }
            match state.as_deref() {
                Some(s) if R::SUCCESS.contains(&s) => return Ok(output),
                Some(s) if R::FAILURE.contains(&s) => {
                    return Err(WaitError::Failed { waiter: R::NAME, state: s.to_owned(), last: Box::new(output) });
                }
                _ => {}
            }
            let remaining = self.max_wait.saturating_sub(started.elapsed());
            if remaining < self.min_delay || remaining.is_zero() {
                return Err(WaitError::TimedOut {
                    waiter: R::NAME,
                    waited: started.elapsed(),
                    polls,
                    last_state: state,
                    last: Box::new(output),
                });
            }
            tokio::time::sleep(self.pause(polls).min(remaining)).await;
        }
    }

    /// The pause after poll `polls`: jittered between the minimum and
    /// `min * 2^(polls-1)`, capped at the maximum.
    fn pause(&self, polls: u32) -> Duration {
        let ceiling = self.min_delay.saturating_mul(1 << (polls - 1).min(16)).min(self.max_delay);
        self.min_delay + (ceiling.saturating_sub(self.min_delay)).mul_f64(super::retry::jitter())
    }
}

/// Why a wait ended without success.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<O, E> {
    /// The state reached a failure value.
    Failed {
        /// The waiter.
        waiter: &'static str,
        /// The failure state.
        state: String,
        /// The answer that carried it.
        last: Box<O>,
    },
    /// The maximum wait passed without a success or failure state.
    TimedOut {
        /// The waiter.
        waiter: &'static str,
        /// How long it waited.
        waited: Duration,
        /// How many times it polled.
        polls: u32,
        /// The last state seen, if any.
        last_state: Option<String>,
        /// The last answer.
        last: Box<O>,
    },
    /// Polling failed (the waiter's name, and the operation's error).
    Operation(&'static str, SdkError<E>),
}

impl<O, E: fmt::Display> fmt::Display for WaitError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed { waiter, state, .. } => write!(f, "waiter {waiter} failed: the state is {state}"),
            Self::TimedOut { waiter, waited, polls, last_state, .. } => {
                write!(f, "waiter {waiter} gave up after {waited:.1?} and {polls} polls")?;
                match last_state {
                    Some(state) => write!(f, "; the last state was {state}"),
                    None => f.write_str("; no answer had a state"),
                }
            }
            Self::Operation(waiter, e) => write!(f, "waiter {waiter}: {e}"),
        }
    }
}

/// `Display` includes the operation's error, so `source()` is that error's
/// own source, not the error again.
impl<O: fmt::Debug, E: std::error::Error + 'static> std::error::Error for WaitError<O, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Operation(_, e) => e.source(),
            _ => None,
        }
    }
}
