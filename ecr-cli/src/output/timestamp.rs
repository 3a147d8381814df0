//! Timestamps as the AWS CLI prints them. ECR sends epoch seconds
//! (`1700086400.137`); AWS CLI v2 prints ISO 8601 in the local time zone
//! (`2023-11-15T22:13:20.137000+00:00`, Python's `isoformat()`) unless
//! `cli_timestamp_format` is `wire`, and v1 prints the wire value unless it
//! is `iso8601`. The answer is rewritten once, as it arrives, so json,
//! text, table, yaml and `--query` all see the same values.

use crate::output::json::Object;
use crate::parsing::schema::Shape;
use ecr_client::runtime::wire::civil_from_days;
use serde_json::value::RawValue;

/// `cli_timestamp_format`: how answers' timestamps are printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TimestampFormat {
    /// ISO 8601 in the local time zone: AWS CLI v2's default.
    #[default]
    Iso8601,
    /// As the service sent them (`wire` in v2, `none` in v1).
    Wire,
}

impl TimestampFormat {
    /// The setting's value in either CLI's spelling.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "iso8601" => Some(Self::Iso8601),
            "wire" | "none" => Some(Self::Wire),
            _ => None,
        }
    }
}

/// `json`, an answer of shape `shape`, with every timestamp the shape
/// declares written as ISO 8601 in the local time zone. Everything else
/// keeps its text and order; a value that is not a number is left as sent.
pub fn localized(json: &str, shape: &Shape) -> Result<String, serde_json::Error> {
    if !holds_timestamp(shape, 0) {
        return Ok(json.to_owned());
    }
    let raw: Box<RawValue> = serde_json::from_str(json)?;
    rewrite(&raw, shape)
}

fn rewrite(raw: &RawValue, shape: &Shape) -> Result<String, serde_json::Error> {
    let text = raw.get();
    Ok(match shape {
        Shape::Timestamp => match text.parse::<f64>() {
            Ok(seconds) => serde_json::Value::String(iso8601(seconds)).to_string(),
            // A string of seconds is read as botocore reads it; any other
            // string is the service's own rendering, kept.
            Err(_) => match serde_json::from_str::<String>(text).ok().and_then(|s| s.trim().parse::<f64>().ok()) {
                Some(seconds) => serde_json::Value::String(iso8601(seconds)).to_string(),
                None => text.to_owned(),
            },
        },
        Shape::Structure(members) if text.starts_with('{') => {
            let mut object: Object = serde_json::from_str(text)?;
            for (key, value) in &mut object.0 {
                if let Some(member) = members.iter().find(|m| m.name == key).filter(|m| holds_timestamp(m.shape, 0)) {
                    *value = RawValue::from_string(rewrite(value, member.shape)?)?;
                }
            }
            object.to_json()
        }
        Shape::Map(values) if text.starts_with('{') && holds_timestamp(values, 0) => {
            let mut object: Object = serde_json::from_str(text)?;
            for (_, value) in &mut object.0 {
                *value = RawValue::from_string(rewrite(value, values)?)?;
            }
            object.to_json()
        }
        Shape::List(items) if text.starts_with('[') && holds_timestamp(items, 0) => {
            let list: Vec<Box<RawValue>> = serde_json::from_str(text)?;
            let items = list.iter().map(|item| rewrite(item, items)).collect::<Result<Vec<_>, _>>()?;
            format!("[{}]", items.join(","))
        }
        _ => text.to_owned(),
    })
}

/// Whether a value of `shape` can hold a timestamp (shapes may nest
/// themselves: deep enough is taken as yes).
fn holds_timestamp(shape: &Shape, depth: usize) -> bool {
    if depth > 32 {
        return true;
    }
    match shape {
        Shape::Timestamp => true,
        Shape::List(inner) | Shape::Map(inner) => holds_timestamp(inner, depth + 1),
        Shape::Structure(members) => members.iter().any(|m| holds_timestamp(m.shape, depth + 1)),
        _ => false,
    }
}

/// Epoch seconds as Python's `datetime.fromtimestamp(seconds, tzlocal())
/// .isoformat()`: microseconds rounded half to even and shown when not
/// zero, the offset as `+HH:MM` (`:SS` when it has seconds).
pub fn iso8601(seconds: f64) -> String {
    let (mut whole, mut micros) = (seconds.floor(), ((seconds - seconds.floor()) * 1e6).round_ties_even());
    if micros >= 1e6 {
        whole += 1.0;
        micros -= 1e6;
    }
    // Far outside any date Python prints; clamped rather than wrapped.
    let whole = whole.clamp(-62_135_596_800.0, 253_402_300_799.0) as i64;
    let offset = local_offset(whole);
    let local = whole + offset;
    let (days, second_of_day) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let mut out = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    );
    if micros > 0.0 {
        out += &format!(".{:06}", micros as u32);
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.unsigned_abs();
    out += &format!("{sign}{:02}:{:02}", offset / 3600, offset / 60 % 60);
    let seconds = offset.rem_euclid(60);
    if seconds > 0 {
        out += &format!(":{seconds:02}");
    }
    out
}

/// The local time zone's offset from UTC at `seconds`, in seconds, as the C
/// library (and so Python) sees it: `TZ`, else `/etc/localtime`.
#[cfg(unix)]
fn local_offset(seconds: i64) -> i64 {
    extern "C" {
        fn tzset();
    }
    static ZONE_READ: std::sync::Once = std::sync::Once::new();
    // SAFETY: tzset reads TZ once, before any localtime_r of this process.
    ZONE_READ.call_once(|| unsafe { tzset() });
    // Clamped to years 1..9999 above: within a 64-bit time_t.
    let time = seconds as libc::time_t;
    // SAFETY: localtime_r fills the tm it is given, or returns null.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let done = unsafe { libc::localtime_r(&time, &mut tm) };
    if done.is_null() {
        0
    } else {
        // A c_long: i64 here, i32 on 32-bit targets.
        #[allow(clippy::useless_conversion)]
        i64::from(tm.tm_gmtoff)
    }
}

#[cfg(not(unix))]
fn local_offset(_seconds: i64) -> i64 {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_the_setting_are_read() {
        assert_eq!(TimestampFormat::parse("none"), Some(TimestampFormat::Wire));
        assert_eq!(TimestampFormat::parse("wire"), Some(TimestampFormat::Wire));
        assert_eq!(TimestampFormat::parse("iso8601"), Some(TimestampFormat::Iso8601));
        assert_eq!(TimestampFormat::parse("ISO8601"), None);
    }
}
