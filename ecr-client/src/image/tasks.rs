//! Work items run a few at a time on the runtime's threads. The first
//! failure ends the whole: the tasks still running are aborted (a `JoinSet`
//! aborts what it holds when dropped, so dropping the future cancels too).

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
        match running.join_next().await {
            None => return Ok(results),
            Some(Ok(Ok(result))) => results.push(result),
            Some(Ok(Err(error))) => return Err(error),
            Some(Err(failed)) => return Err(ImageError::Invalid(format!("a transfer task stopped: {failed}"))),
        }
    }
}
