//! `--output table`: an answer drawn as the AWS CLI's `TableFormatter`
//! draws it (`awscli/formatter.py`), without the output shape: the
//! operation's name as the title, an object's scalar members as one row
//! under their sorted names, a list of objects as rows, and each nested
//! value as a section of its own one level deeper.

mod render;
#[rustfmt::skip]
mod wide_ranges;
mod width;

use render::MultiTable;
use serde_json::Value;

/// How the table is coloured: as the AWS CLI's `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Row elements and indentation in colour (`--color on`, or `auto` on a terminal).
    pub colorized: bool,
    /// The terminal's width in columns (80 when stdout is no terminal).
    pub terminal_width: usize,
}

/// The table of `answer` titled `title`, or nothing for an empty answer
/// (null, false, 0, "", [] or {}), as the AWS CLI prints nothing then. A
/// list whose rows differ in length fails as it fails there.
pub fn format(title: &str, answer: &Value, style: Style) -> Result<String, String> {
    let mut table = MultiTable::default();
    if !build(&mut table, Some(title), answer, 0)? {
        return Ok(String::new());
    }
    Ok(table.render(style.terminal_width, style.colorized))
}

/// `_build_table`: false when `current` is empty and nothing was added.
fn build(table: &mut MultiTable, title: Option<&str>, current: &Value, indent_level: usize) -> Result<bool, String> {
    if is_falsy(current) {
        return Ok(false);
    }
    if let Some(title) = title {
        table.new_section(title, indent_level);
    }
    match current {
        Value::Array(items) if items[0].is_object() => {
            build_from_list(table, items, indent_level, title.unwrap_or_default())?;
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Array(elements) if elements.iter().all(is_scalar) => {
                        table.add_row(elements.iter().map(cell).collect())?;
                    }
                    // Python iterates an object's keys: all scalars.
                    Value::Object(object) => table.add_row(object.keys().cloned().collect())?,
                    Value::Array(_) => {
                        build(table, None, item, 0)?;
                    }
                    scalar => table.add_row(vec![cell(scalar)])?,
                }
            }
        }
        Value::Object(object) => build_from_object(table, object, indent_level)?,
        _ => {}
    }
    Ok(true)
}

/// `_build_sub_table_from_dict`: the scalar members as one row (a lone
/// one as a name/value pair), then each nested member as a section.
fn build_from_object(
    table: &mut MultiTable,
    object: &serde_json::Map<String, Value>,
    indent_level: usize,
) -> Result<(), String> {
    let (headers, more) = scalar_keys(object);
    if let [only] = headers.as_slice() {
        table.add_row(vec![only.clone(), cell(&object[only])])?;
    } else if !headers.is_empty() {
        let row = headers.iter().map(|k| cell(&object[k])).collect();
        table.add_row_header(headers);
        table.add_row(row)?;
    }
    for key in more {
        build(table, Some(&key), &object[&key], indent_level + 1)?;
    }
    Ok(())
}

/// `_build_sub_table_from_list`: one row per object under the union of
/// their scalar members' names; when there are nested members, each
/// object gets a section of its own, its nested members below it.
fn build_from_list(table: &mut MultiTable, items: &[Value], indent_level: usize, title: &str) -> Result<(), String> {
    let (mut headers, mut more) = (Vec::new(), Vec::new());
    for item in items {
        let (scalars, nested) = item.as_object().map(scalar_keys).unwrap_or_default();
        headers.extend(scalars);
        more.extend(nested);
    }
    for keys in [&mut headers, &mut more] {
        keys.sort();
        keys.dedup();
    }
    table.add_row_header(headers.clone());
    for (i, item) in items.iter().enumerate() {
        if i > 0 && !more.is_empty() {
            table.new_section(title, indent_level);
            table.add_row_header(headers.clone());
        }
        let object = item.as_object();
        let field = |key: &String| object.and_then(|o| o.get(key));
        table.add_row(headers.iter().map(|k| field(k).map(cell).unwrap_or_default()).collect())?;
        for key in &more {
            if let Some(value) = field(key) {
                build(table, Some(key), value, indent_level + 1)?;
            }
        }
    }
    Ok(())
}

/// An object's keys with scalar values and those with nested ones, each sorted.
fn scalar_keys(object: &serde_json::Map<String, Value>) -> (Vec<String>, Vec<String>) {
    // serde_json's maps iterate in key order, as the AWS CLI sorts.
    let (scalars, nested): (Vec<_>, Vec<_>) = object.iter().partition(|(_, v)| is_scalar(v));
    (scalars.into_iter().map(|(k, _)| k.clone()).collect(), nested.into_iter().map(|(k, _)| k.clone()).collect())
}

fn is_scalar(value: &Value) -> bool {
    !value.is_array() && !value.is_object()
}

/// Python's truth test.
fn is_falsy(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(object) => object.is_empty(),
    }
}

/// A cell as Python's `str()` writes the value.
fn cell(value: &Value) -> String {
    crate::output::text::python_str(value)
}
