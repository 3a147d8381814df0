//! Sending an operation and running a waiter from the input's JSON, through
//! the client's typed input: serde checks the JSON once more, and the client
//! validates it as it does for any caller.

use crate::Failure;
use ecr_client::runtime::{Client, Operation, WaitError, WaitFor, Waiter};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use ecr_client::runtime::OnPoll;

/// Sends `I` with `input`; the answer's body exactly as the service sent it.
pub async fn send<I>(client: &Client<I::Service>, input: Value) -> Result<bytes::Bytes, Failure>
where
    I: Operation + DeserializeOwned,
{
    let input = typed::<I>(input)?;
    client.send_raw(input).await.map_err(Failure::from_call)
}

/// Runs the waiter `R` on `I` with `input` until it succeeds or fails.
pub async fn wait<I, R>(client: &Client<I::Service>, input: Value, progress: OnPoll) -> Result<(), Failure>
where
    I: Operation + DeserializeOwned + Clone,
    R: WaitFor<I>,
{
    let input = typed::<I>(input)?;
    match Waiter::<I, R>::new(client.clone(), Ok(input)).on_poll(progress).wait().await {
        Ok(_) => Ok(()),
        Err(WaitError::Operation(waiter, e)) => {
            let failure = Failure::from_call(e);
            Err(Failure::new(failure.code, format!("waiter {waiter}: {}", failure.message)))
        }
        Err(e) => Err(Failure::new(Failure::OTHER, e.to_string())),
    }
}

fn typed<I: Operation + DeserializeOwned>(input: Value) -> Result<I, Failure> {
    serde_json::from_value(input).map_err(|e| Failure::usage(format!("{}: the input does not fit: {e}", I::NAME)))
}
