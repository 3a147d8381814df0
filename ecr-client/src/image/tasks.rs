//! Work items run a few at a time on the runtime's threads. The first
//! failure ends the whole: the tasks still running are aborted and waited
//! for, so nothing of theirs outlives the error (a `JoinSet` also aborts
//! what it holds when dropped, so dropping the future cancels too).

use super::ImageError;
use std::future::Future;
use tokio::task::JoinSet;

/// Runs `work(item)` for every item, at most `jobs` at once; results in
/// completion order.
pub(crate) async fn each<T, R, F, Fut>(jobs: usize, items: Vec<T>, work: F) -> Result<Vec<R>, ImageError>
where
    F: Fn(T) -> Fut,
    Fut: Future<Output = Result<R, ImageError>> + Send + 'static,
    R: Send + 'static,
{
    let mut running = JoinSet::new();
    let mut waiting = items.into_iter();
    let mut results = Vec::new();
    loop {
        while running.len() < jobs.max(1) {
            let Some(item) = waiting.next() else { break };
            running.spawn(work(item));
        }
        let error = match running.join_next().await {
            None => return Ok(results),
            Some(Ok(Ok(result))) => {
                results.push(result);
                continue;
            }
            Some(Ok(Err(error))) => error,
            Some(Err(failed)) => ImageError::Invalid(format!("a transfer task stopped: {failed}")),
        };
        // The others are stopped, and gone (their partial files with them),
        // before the error is returned.
        running.shutdown().await;
        return Err(error);
    }
}
