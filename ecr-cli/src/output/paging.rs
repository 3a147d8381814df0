//! Every page of a paginated operation, as the AWS CLI gives them: for JSON
//! merged into one answer as botocore's `build_full_result` rebuilds it (the
//! paged lists concatenated, first, at their paths; then the first page's
//! other members in the answer's order, `null` where it lacks one; the token
//! dropped); for text page by page (the first page whole, later ones their
//! lists only, `null` where a page lacks one). `--max-items` stops early
//! and leaves a `NextToken` that `--starting-token` resumes from.

use crate::output::json::Object;
use crate::output::timestamp::TimestampFormat;
use crate::parsing::globals::Pages;
use crate::parsing::schema::{Command, Paging, Shape};
use crate::progress::Progress;
use crate::Failure;
use base64::Engine as _;
use ecr_client::runtime::python_json_string;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Where to resume: the service's token and how many of its page's items
/// were already given out.
#[derive(Debug, Clone, PartialEq)]
struct Resume {
    token: Option<String>,
    skip: usize,
}

/// What the pages gave.
pub struct Paged {
    /// The merged answer as compact JSON, `NextToken` last if any.
    pub merged: String,
    /// Each page as the AWS CLI's text output shows it: the first whole
    /// (botocore's non-aggregate part is every member that is not a paged
    /// list or the token, in ECR's paginators), later ones their paged
    /// lists alone (`null` where a page lacks one, as botocore sets it).
    pub pages: Vec<Value>,
    /// Each page as it came (after `--max-items`), for `yaml-stream`.
    pub raw: Vec<Value>,
    /// The token to resume from, when `--max-items` stopped early.
    pub next_token: Option<String>,
}

/// Fetches the pages of `command` with `input`.
pub async fn all_pages(
    client: &crate::session::ServiceClient,
    command: &Command,
    paging: &Paging,
    mut input: Map<String, Value>,
    pages: &Pages,
    timestamps: TimestampFormat,
) -> Result<Paged, Failure> {
    if let Some(size) = pages.page_size {
        let member = paging.page_size.ok_or_else(|| Failure::usage(format!("{}: has no page size", command.name)))?;
        input.insert(member.to_owned(), Value::from(size));
    }
    let mut resume = match &pages.starting_token {
        Some(token) => decode(paging, token)?,
        None => Resume { token: None, skip: 0 },
    };
    let mut merged: Option<Object> = None;
    let (mut shown, mut raw) = (Vec::new(), Vec::new());
    let (mut fetched, mut given) = (0usize, 0usize);
    let mut progress = Progress::on_stderr();
    let garbled =
        |e: serde_json::Error| Failure::new(Failure::OTHER, format!("{}: garbled answer: {e}", command.operation));
    loop {
        match &resume.token {
            Some(token) => input.insert(paging.input_token.to_owned(), Value::String(token.clone())),
            None => input.remove(paging.input_token),
        };
        let body = client.send(command.operation, Value::Object(input.clone())).await?;
        let mut page = crate::output::arrived(command, &body, timestamps)?;
        fetched += 1;
        let token = page.remove(paging.output_token);
        let next = match &token {
            Some(raw) => serde_json::from_str::<Option<String>>(raw.get()).map_err(garbled)?.filter(|t| !t.is_empty()),
            None => None,
        };
        if next.is_some() && next == resume.token {
            let why = format!("{}: the service answered page {fetched} with the token it was sent", command.name);
            return Err(Failure::new(Failure::OTHER, why));
        }
        // Items an earlier --max-items already gave out.
        let skip = resume.skip;
        let mut on_page = 0;
        for (i, path) in paging.items.iter().enumerate() {
            with_list(&mut page, path, |items| {
                items.drain(..skip.min(items.len()));
                if i == 0 {
                    on_page = items.len();
                }
            })
            .map_err(garbled)?;
        }
        let mut stop = None;
        if let Some(max) = pages.max_items {
            let room = max as usize - given;
            if on_page > room {
                for path in paging.items {
                    with_list(&mut page, path, |items| items.truncate(room)).map_err(garbled)?;
                }
                stop = Some(Resume { token: resume.token.clone(), skip: skip + room });
            } else if on_page == room && next.is_some() {
                stop = Some(Resume { token: next.clone(), skip: 0 });
            }
            on_page = on_page.min(room);
        }
        given += on_page;
        shown.push(page_as_shown(&page, paging, command.output, fetched == 1).map_err(garbled)?);
        let mut as_sent = page.clone();
        if let Some(token) = token {
            as_sent.set(paging.output_token, token);
        }
        raw.push(serde_json::from_str(&as_sent.to_json()).map_err(garbled)?);
        merged = Some(match merged {
            None => page,
            Some(mut all) => {
                append(&mut all, page, paging.items).map_err(garbled)?;
                all
            }
        });
        progress.show(&format!("{}: {fetched} pages, {given} items", command.name));
        let (mut all, next_token) = match (stop, next) {
            (Some(stop), _) => (merged.unwrap_or_default(), Some(encode(paging, &stop))),
            (None, Some(token)) => {
                resume = Resume { token: Some(token), skip: 0 };
                continue;
            }
            (None, None) => (merged.unwrap_or_default(), None),
        };
        all = rebuilt(&all, paging, command.output).map_err(garbled)?;
        if let Some(token) = &next_token {
            all.set("NextToken", RawValue::from_string(Value::String(token.clone()).to_string()).map_err(garbled)?);
        }
        return Ok(Paged { merged: all.to_json(), pages: shown, raw, next_token });
    }
}

/// The answer's members other than the paged lists and the token: botocore's
/// non-aggregate part, which in every paginator of ECR's is all of them.
fn other_members<'a>(paging: &'a Paging, shape: &'a Shape) -> impl Iterator<Item = &'a str> + 'a {
    let members = match shape {
        Shape::Structure(members) => *members,
        _ => &[],
    };
    members.iter().map(|m| m.name).filter(|name| *name != paging.output_token && !paging.items.contains(&&[*name][..]))
}

/// The merged answer in the order `build_full_result` gives it: the paged
/// lists first at their paths, then the first page's other members (in the
/// service's order, which is its model's and so botocore's; `null` for
/// those it lacks), an object already holding a paged list getting the
/// page's other members after it.
fn rebuilt(all: &Object, paging: &Paging, shape: &Shape) -> Result<Object, serde_json::Error> {
    let mut out = Object::default();
    for path in paging.items {
        let Some((head, rest)) = path.split_first() else { continue };
        let mut found = all.get(head).map(|raw| raw.to_owned());
        for key in rest {
            found = match found {
                Some(raw) if raw.get().starts_with('{') => Object::parse(raw.get())?.get(key).map(|r| r.to_owned()),
                _ => None,
            };
        }
        let Some(found) = found.filter(|raw| raw.get() != "null") else { continue };
        set_path(&mut out, path, found)?;
    }
    let others: Vec<&str> = other_members(paging, shape).collect();
    let in_page = all.0.iter().map(|(key, _)| key.as_str()).filter(|key| others.contains(key));
    let missing = others.iter().copied().filter(|name| all.get(name).is_none());
    for name in in_page.chain(missing).collect::<Vec<_>>() {
        let value = all.get(name).map_or_else(|| RawValue::from_string("null".into()), |raw| Ok(raw.to_owned()))?;
        let merged = match out.get(name) {
            Some(existing) if value.get().starts_with('{') => {
                let mut existing = Object::parse(existing.get())?;
                for (key, member) in Object::parse(value.get())?.0 {
                    if existing.get(&key).is_none() {
                        existing.set(&key, member);
                    }
                }
                RawValue::from_string(existing.to_json())?
            }
            _ => value,
        };
        out.set(name, merged);
    }
    Ok(out)
}

/// Sets `value` at `path`, making the objects on the way.
fn set_path(object: &mut Object, path: &[&str], value: Box<RawValue>) -> Result<(), serde_json::Error> {
    let Some((key, rest)) = path.split_first() else { return Ok(()) };
    if rest.is_empty() {
        object.set(key, value);
        return Ok(());
    }
    let mut inner = match object.get(key) {
        Some(raw) if raw.get().starts_with('{') => Object::parse(raw.get())?,
        _ => Object::default(),
    };
    set_path(&mut inner, rest, value)?;
    object.set(key, RawValue::from_string(inner.to_json())?);
    Ok(())
}

/// A page as text output shows it: the first whole (`null` for the members
/// it lacks), later ones only their paged lists, at their paths (`null`
/// where a page lacks one).
fn page_as_shown(page: &Object, paging: &Paging, shape: &Shape, first: bool) -> Result<Value, serde_json::Error> {
    let whole: Value = serde_json::from_str(&page.to_json())?;
    let mut shown = Value::Object(Map::new());
    if first {
        shown = whole.clone();
        for name in other_members(paging, shape) {
            shown.as_object_mut().expect("an answer is an object").entry(name).or_insert(Value::Null);
        }
    }
    for path in paging.items {
        let found = path.iter().try_fold(&whole, |at, key| at.get(key)).cloned().unwrap_or(Value::Null);
        let (last, parents) = path.split_last().expect("a paged list has a path");
        let mut at = &mut shown;
        for key in parents {
            at = at.as_object_mut().expect("built as objects").entry(*key).or_insert_with(|| Value::Object(Map::new()));
        }
        at.as_object_mut().expect("built as objects").insert((*last).to_owned(), found);
    }
    Ok(shown)
}

/// Applies `f` to the list at `path`, if the object has one there (a null
/// counts as an empty list).
fn with_list(
    object: &mut Object,
    path: &[&str],
    f: impl FnOnce(&mut Vec<Box<RawValue>>),
) -> Result<(), serde_json::Error> {
    let Some((key, rest)) = path.split_first() else { return Ok(()) };
    let Some(raw) = object.get(key) else { return Ok(()) };
    let updated = if rest.is_empty() {
        let mut list: Vec<Box<RawValue>> = serde_json::from_str::<Option<_>>(raw.get())?.unwrap_or_default();
        f(&mut list);
        serde_json::to_string(&list)?
    } else {
        let mut inner = Object::parse(raw.get())?;
        with_list(&mut inner, rest, f)?;
        inner.to_json()
    };
    object.set(key, RawValue::from_string(updated)?);
    Ok(())
}

/// Appends the paged lists of `page` to those of `all`, creating them where
/// the first page had none.
fn append(all: &mut Object, mut page: Object, items: &[&[&str]]) -> Result<(), serde_json::Error> {
    for path in items {
        let mut more = Vec::new();
        with_list(&mut page, path, |items| more = std::mem::take(items))?;
        if more.is_empty() {
            continue;
        }
        ensure_list(all, path)?;
        with_list(all, path, |items| items.extend(more))?;
    }
    Ok(())
}

fn ensure_list(object: &mut Object, path: &[&str]) -> Result<(), serde_json::Error> {
    let Some((key, rest)) = path.split_first() else { return Ok(()) };
    let present = object.get(key).is_some_and(|raw| raw.get() != "null");
    let updated = match (rest.is_empty(), present) {
        (true, true) => return Ok(()),
        (true, false) => "[]".to_owned(),
        (false, _) => {
            let mut inner = match object.get(key) {
                Some(raw) if present => Object::parse(raw.get())?,
                _ => Object::default(),
            };
            ensure_list(&mut inner, rest)?;
            inner.to_json()
        }
    };
    object.set(key, RawValue::from_string(updated)?);
    Ok(())
}
/// The resume token, byte for byte as botocore writes it: base64 of
/// Python's `json.dumps` of `{"<input token>": …, "boto_truncate_amount": N}`,
/// so tokens pass between `aws` and `ecr` both ways.
fn encode(paging: &Paging, resume: &Resume) -> String {
    let token = resume.token.as_deref().map_or("null".to_owned(), python_json_string);
    let mut json = format!("{{{}: {token}", python_json_string(paging.input_token));
    if resume.skip > 0 {
        json.push_str(&format!(", \"boto_truncate_amount\": {}", resume.skip));
    }
    json.push('}');
    base64::engine::general_purpose::STANDARD.encode(json)
}

fn decode(paging: &Paging, token: &str) -> Result<Resume, Failure> {
    let bad = || Failure::usage("--starting-token is not a NextToken this tool gave out");
    let bytes = base64::engine::general_purpose::STANDARD.decode(token.trim()).map_err(|_| bad())?;
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(&bytes) else { return Err(bad()) };
    let token = match object.get(paging.input_token) {
        Some(Value::String(token)) => Some(token.clone()),
        Some(Value::Null) | None => None,
        Some(_) => return Err(bad()),
    };
    let skip = match object.get("boto_truncate_amount") {
        Some(n) => n.as_u64().ok_or_else(bad)? as usize,
        None => 0,
    };
    Ok(Resume { token, skip })
}
