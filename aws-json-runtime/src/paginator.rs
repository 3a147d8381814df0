//! Pagination: an operation's pages as a stream, following the service's
//! token, and the items of every page as one stream. Stops when the token is
//! absent or empty; a token the service repeats ends it with an error
//! instead of a loop; an error on any page is delivered after the pages
//! before it, and ends the stream.

use super::client::Client;
use super::error::{InvalidInput, ResponseError, SdkError};
use super::Operation;
use futures_core::Stream;
use std::collections::{BTreeSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Implemented by the generated code on the input of every paginated
/// operation: where the token, the page size and the items are.
pub trait Paginated: Operation + Clone + Send + Unpin {
    /// One item of a page.
    type Item;
    /// Sets the token of the page to ask for.
    fn set_token(&mut self, token: Option<String>);
    /// Sets the page size; `false` if the operation has none.
    fn set_page_size(&mut self, _size: i32) -> bool {
        false
    }
    /// The token of the next page, if the answer has one.
    fn next_token(output: &Self::Output) -> Option<&str>;
    /// The items of a page.
    fn items(output: Self::Output) -> Vec<Self::Item>;
}

type Page<I> = Result<<I as Operation>::Output, SdkError<<I as Operation>::Error>>;
type PageFuture<I> = Pin<Box<dyn Future<Output = Page<I>> + Send>>;

/// The pages of a paginated operation. Use [`Paginator::next`] in a loop,
/// or it as a [`Stream`]. It owns a handle to the client, so it can move
/// into a task.
#[must_use = "a paginator does nothing until its pages are asked for"]
pub struct Paginator<I: Paginated> {
    client: Client<I::Service>,
    /// The request for the next page; `None` once the pages are done.
    next: Option<Result<I, InvalidInput>>,
    page_size: Option<i32>,
    in_flight: Option<PageFuture<I>>,
    tokens_seen: BTreeSet<String>,
    /// A repeated token, reported after the page that carried it.
    repeated: Option<String>,
}

impl<I> Paginator<I>
where
    I: Paginated + 'static,
    I::Output: Send,
{
    /// Pages of `input`, or the input's error as the first page.
    pub fn new(client: Client<I::Service>, input: Result<I, InvalidInput>) -> Self {
        Self {
            client,
            next: Some(input),
            page_size: None,
            in_flight: None,
            tokens_seen: BTreeSet::new(),
            repeated: None,
        }
    }

    /// How many items a page should hold (the operation's `maxResults`).
    pub fn page_size(mut self, size: i32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// The next page, or `None` after the last one.
    pub async fn next(&mut self) -> Option<Page<I>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The items of every page, in order.
    pub fn items(self) -> Items<I> {
        Items { pages: self, buffer: VecDeque::new() }
    }

    /// Every item of every page, or the first error.
    pub async fn collect_items(self) -> Result<Vec<I::Item>, SdkError<I::Error>> {
        let mut items = self.items();
        let mut all = Vec::new();
        while let Some(item) = items.next().await {
            all.push(item?);
        }
        Ok(all)
    }

    fn start_next_request(&mut self) -> Option<Result<(), InvalidInput>> {
        let mut input = match self.next.take()? {
            Ok(input) => input,
            Err(invalid) => return Some(Err(invalid)),
        };
        if let Some(size) = self.page_size {
            if !input.set_page_size(size) {
                return Some(Err(InvalidInput::new(
                    I::NAME,
                    "maxResults",
                    "cannot be set: the operation has no page size",
                )));
            }
        }
        let client = self.client.clone();
        self.next = Some(Ok(input.clone()));
        self.in_flight = Some(Box::pin(async move { client.send(input).await }));
        Some(Ok(()))
    }
}

impl<I> Stream for Paginator<I>
where
    I: Paginated + 'static,
    I::Output: Send,
{
    type Item = Page<I>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(token) = this.repeated.take() {
            let problem = format!("repeated the pagination token {token:?}; stopping rather than looping");
            return Poll::Ready(Some(Err(SdkError::Response(ResponseError::new(I::NAME, 200, problem)))));
        }
        if this.in_flight.is_none() {
            match this.start_next_request() {
                None => return Poll::Ready(None),
                Some(Err(invalid)) => return Poll::Ready(Some(Err(SdkError::InvalidInput(invalid)))),
                Some(Ok(())) => {}
            }
        }
        let page = match this.in_flight.as_mut().expect("a request is in flight").as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(page) => page,
        };
        this.in_flight = None;
        match &page {
            Ok(output) => match I::next_token(output).filter(|t| !t.is_empty()).map(str::to_owned) {
                Some(token) if !this.tokens_seen.insert(token.clone()) => {
                    this.next = None;
                    this.repeated = Some(token);
                }
                Some(token) => {
                    if let Some(Ok(input)) = &mut this.next {
                        input.set_token(Some(token));
                    }
                }
                None => this.next = None,
            },
            Err(_) => this.next = None,
        }
        Poll::Ready(Some(page))
    }
}

/// The items of every page of a paginated operation.
#[must_use = "items do nothing until they are asked for"]
pub struct Items<I: Paginated> {
    pages: Paginator<I>,
    buffer: VecDeque<I::Item>,
}

// Nothing in `Items` is ever pinned in place (items are moved out of the
// buffer, the page future is boxed), so it is `Unpin` whatever the items are.
impl<I: Paginated> Unpin for Items<I> {}

impl<I> Items<I>
where
    I: Paginated + 'static,
    I::Output: Send,
{
    /// The next item, or `None` after the last one.
    pub async fn next(&mut self) -> Option<Result<I::Item, SdkError<I::Error>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<I> Stream for Items<I>
where
    I: Paginated + 'static,
    I::Output: Send,
{
    type Item = Result<I::Item, SdkError<I::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => this.buffer.extend(I::items(page)),
            }
        }
    }
}
