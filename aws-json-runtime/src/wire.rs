//! awsJson value forms that serde does not have built in: timestamps (epoch
//! seconds, possibly fractional or with an exponent, read and written as
//! their decimal digits, exact to the nanosecond) and blobs (base64).

use base64::Engine as _;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time, as awsJson carries it: seconds since the Unix epoch,
/// exact to the nanosecond. The wire's decimal digits are read and written
/// as they are, never through a float: `1700086400.137` is 137,000,000 ns.
///
/// Converts to and from [`SystemTime`]; `Display` is RFC 3339 in UTC. The
/// default is the epoch, what a missing required timestamp in an answer
/// becomes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateTime {
    seconds: i64,
    nanos: u32,
}

impl DateTime {
    /// Whole seconds since the epoch.
    pub const fn from_secs(seconds: i64) -> Self {
        Self { seconds, nanos: 0 }
    }

    /// Fractional seconds since the epoch, rounded to the microsecond; `None`
    /// when not finite or out of range.
    pub fn from_secs_f64(seconds: f64) -> Option<Self> {
        if !seconds.is_finite() || seconds.abs() >= 9.2e15 {
            return None;
        }
        let micros = (seconds * 1e6).round() as i64;
        Some(Self { seconds: micros.div_euclid(1_000_000), nanos: (micros.rem_euclid(1_000_000) * 1000) as u32 })
    }

    /// Seconds and nanoseconds since the epoch; `None` if `nanos` is a
    /// second or more.
    pub const fn from_secs_and_nanos(seconds: i64, nanos: u32) -> Option<Self> {
        if nanos < 1_000_000_000 {
            Some(Self { seconds, nanos })
        } else {
            None
        }
    }

    /// Parses epoch seconds written as a JSON number (`1700086400`,
    /// `1700086400.137`, `1.7000864E9`, `-1.5`) from its digits. Digits
    /// beyond the nanosecond are dropped; `None` if it is not a number or
    /// out of range.
    pub fn parse_epoch_seconds(text: &str) -> Option<Self> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
            Some((mantissa, exponent)) => {
                let digits = exponent.strip_prefix('+').unwrap_or(exponent);
                let valid = !digits.is_empty() && digits.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit());
                (mantissa, if valid { digits.parse::<i32>().ok()? } else { return None })
            }
            None => (unsigned, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !is_digits(whole)
            || !is_digits(fraction)
            || (mantissa.contains('.') && fraction.is_empty())
        {
            return None;
        }
        // All the digits, and where the decimal point falls among them.
        let all = format!("{whole}{fraction}");
        let first_significant = (all.len() - all.trim_start_matches('0').len()) as i64;
        if first_significant == all.len() as i64 {
            // Zero, whatever the exponent: never walk it digit by digit.
            return Some(Self { seconds: 0, nanos: 0 });
        }
        let point = whole.len() as i64 + i64::from(exponent);
        if point - first_significant > 19 {
            return None; // more whole seconds than an i64 holds
        }
        let digit = |i: i64| usize::try_from(i).ok().and_then(|i| all.as_bytes().get(i)).map_or(0, |d| d - b'0');
        let mut seconds: i64 = 0;
        for i in first_significant..point {
            seconds = seconds.checked_mul(10)?.checked_add(i64::from(digit(i)))?;
        }
        let mut nanos: u32 = 0;
        for i in point..point + 9 {
            nanos = nanos * 10 + u32::from(digit(i));
        }
        Some(match (negative, nanos) {
            (false, _) => Self { seconds, nanos },
            (true, 0) => Self { seconds: -seconds, nanos: 0 },
            (true, _) => Self { seconds: -seconds - 1, nanos: 1_000_000_000 - nanos },
        })
    }

    /// The wire form: epoch seconds with every significant fraction digit.
    pub fn to_epoch_seconds(&self) -> String {
        if self.nanos == 0 {
            return self.seconds.to_string();
        }
        // Negative times with a fraction are stored floored: -1.5 is -2 + 0.5.
        let (sign, whole, fraction) = if self.seconds < 0 {
            ("-", -(self.seconds + 1), 1_000_000_000 - self.nanos)
        } else {
            ("", self.seconds, self.nanos)
        };
        let fraction = format!("{fraction:09}");
        format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
    }

    /// Whole seconds since the epoch (rounded down).
    pub const fn secs(&self) -> i64 {
        self.seconds
    }

    /// The fraction of the second, in nanoseconds.
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Seconds since the epoch as a float.
    pub fn as_secs_f64(&self) -> f64 {
        self.seconds as f64 + f64::from(self.nanos) / 1e9
    }

    /// Parses an RFC 3339 time (`2024-01-12T15:09:06Z`,
    /// `2024-01-12T15:09:06.5+01:00`), as credential sources write expiries.
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        // Every field has a fixed number of digits (years four), so no
        // arithmetic below can overflow.
        let field = |s: &str, width: usize| {
            (s.len() == width && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<i64>().ok()).flatten()
        };
        let (date, time) = text.split_once(['T', 't', ' '])?;
        let mut parts = date.splitn(3, '-');
        let (year, month, day) = (field(parts.next()?, 4)?, field(parts.next()?, 2)?, field(parts.next()?, 2)?);
        let (clock, offset) = time.split_at(time.find(['Z', 'z', '+', '-'])?);
        let offset_seconds = match offset {
            "Z" | "z" => 0,
            _ => {
                let (hours, minutes) = offset[1..].split_once(':')?;
                let (hours, minutes) = (field(hours, 2)?, field(minutes, 2)?);
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let magnitude = hours * 3600 + minutes * 60;
                if offset.starts_with('-') {
                    -magnitude
                } else {
                    magnitude
                }
            }
        };
        let (whole, fraction) = clock.split_once('.').unwrap_or((clock, ""));
        let mut hms = whole.splitn(3, ':');
        let (hour, minute, second) = (field(hms.next()?, 2)?, field(hms.next()?, 2)?, field(hms.next()?, 2)?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        if clock.contains('.') && (fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let nanos: String = fraction.chars().chain(std::iter::repeat('0')).take(9).collect();
        let nanos = nanos.parse::<u32>().ok()?;
        let days = days_from_civil(year, month as u32, day as u32);
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
        Some(Self { seconds, nanos })
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl From<SystemTime> for DateTime {
    fn from(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Self { seconds: after.as_secs() as i64, nanos: after.subsec_nanos() },
            Err(before) => {
                let nanos = -(before.duration().as_nanos() as i128);
                Self { seconds: nanos.div_euclid(1_000_000_000) as i64, nanos: nanos.rem_euclid(1_000_000_000) as u32 }
            }
        }
    }
}

/// Saturates at the ends of what the platform's clock holds: a time read
/// from an answer (epoch seconds up to `i64::MAX`) never panics.
impl From<DateTime> for SystemTime {
    fn from(time: DateTime) -> Self {
        let whole = Duration::from_secs(time.seconds.unsigned_abs());
        let nanos = Duration::from_nanos(u64::from(time.nanos));
        let exact = if time.seconds >= 0 { UNIX_EPOCH.checked_add(whole) } else { UNIX_EPOCH.checked_sub(whole) };
        exact.and_then(|t| t.checked_add(nanos)).unwrap_or_else(|| {
            // The farthest of these the platform can hold (Linux: ~1.5e11
            // years; Windows: ~58,000 years after 1601).
            let reach = [1u64 << 62, 1 << 40, 1 << 33].map(Duration::from_secs);
            let far =
                |d: Duration| if time.seconds >= 0 { UNIX_EPOCH.checked_add(d) } else { UNIX_EPOCH.checked_sub(d) };
            reach.into_iter().find_map(far).unwrap_or(UNIX_EPOCH)
        })
    }
}

impl DateTime {
    /// Year, month, day, hour, minute, second in UTC.
    pub(crate) fn utc_fields(&self) -> (i64, u32, u32, i64, i64, i64) {
        let secs = self.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(self.seconds.div_euclid(86_400));
        (year, month, day, secs / 3600, secs / 60 % 60, secs % 60)
    }
}

impl fmt::Display for DateTime {
    /// RFC 3339 in UTC, e.g. `2024-01-12T15:09:06.123Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day, hour, minute, second) = self.utc_fields();
        write!(f, "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}")?;
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The date (year, month, day) of a day counted from 1970-01-01, in the
/// proleptic Gregorian calendar (Howard Hinnant's days-to-civil algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

impl Serialize for DateTime {
    /// A JSON number with the exact digits: `1700086400`, `1700086400.137`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let number =
            serde_json::value::RawValue::from_string(self.to_epoch_seconds()).map_err(serde::ser::Error::custom)?;
        number.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    /// From the number's own digits, never through a float.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        let text = raw.get().trim();
        DateTime::parse_epoch_seconds(text).ok_or_else(|| {
            if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
                de::Error::custom(format!("timestamp {text} is out of range"))
            } else {
                de::Error::custom("invalid type: expected a timestamp in seconds since the Unix epoch")
            }
        })
    }
}

/// Bytes, carried on the wire as standard base64 with padding. Cheap to
/// clone: the bytes are shared.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Blob(bytes::Bytes);

impl Blob {
    /// Wraps bytes (a `Vec<u8>` or `Bytes` without copying them).
    pub fn new(bytes: impl Into<bytes::Bytes>) -> Self {
        Self(bytes.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, owned (without a copy when this is their only holder).
    pub fn into_inner(self) -> Vec<u8> {
        self.0.into()
    }

    /// The bytes, shared.
    pub fn into_bytes(self) -> bytes::Bytes {
        self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes.into())
    }
}

impl From<bytes::Bytes> for Blob {
    fn from(bytes: bytes::Bytes) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes::Bytes::copy_from_slice(bytes))
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Blob {
    /// The length only: blobs are large and binary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

/// Blobs of a request body being serialized, set aside so their base64 is
/// written straight into the body afterwards ([`with_blobs_spliced`]):
/// serde_json would scan every base64 character for escapes (which base64
/// never needs), the slowest step of an upload.
mod deferred {
    use std::cell::RefCell;

    thread_local! {
        pub(super) static BLOBS: RefCell<Option<Vec<bytes::Bytes>>> = const { RefCell::new(None) };
    }

    /// What stands for blob `i` in the JSON: a NUL (escaped `\u0000` by
    /// serde_json), a per-process random nonce, the index, a `\u0001`. No
    /// string a caller writes can be it by accident.
    pub(super) fn marker(i: usize) -> String {
        format!("\0{:016x}:{i}\u{1}", nonce())
    }

    /// The escaped form's prefix as it appears in the JSON text.
    pub(super) fn escaped_prefix() -> String {
        format!("\"\\u0000{:016x}:", nonce())
    }

    fn nonce() -> u64 {
        use std::hash::{BuildHasher as _, RandomState};
        static NONCE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        *NONCE.get_or_init(|| RandomState::new().hash_one(std::process::id()))
    }
}

/// A request body and its SHA-256.
#[derive(Clone)]
pub(crate) struct Body {
    pub bytes: bytes::Bytes,
    pub sha256: [u8; 32],
}

/// Serializes with `serialize`, every blob written as base64 straight into
/// the result (see [`deferred`]), and hashes the result as it is written
/// (in pieces small enough to be hashed while in cache): the same bytes as
/// plain serde_json.
pub(crate) fn with_blobs_spliced(
    serialize: impl FnOnce() -> Result<Vec<u8>, serde_json::Error>,
) -> Result<Body, serde_json::Error> {
    use sha2::Digest as _;
    let outer = deferred::BLOBS.with(|b| b.replace(Some(Vec::new())));
    let json = serialize();
    let blobs = deferred::BLOBS.with(|b| b.replace(outer)).unwrap_or_default();
    let json = json?;
    let mut hasher = sha2::Sha256::new();
    if blobs.is_empty() {
        hasher.update(&json);
        return Ok(Body { bytes: json.into(), sha256: hasher.finalize().into() });
    }
    let prefix = deferred::escaped_prefix();
    let size = json.len() + blobs.iter().map(|b| base64::encoded_len(b.len(), true).unwrap_or(0)).sum::<usize>();
    let mut body = Vec::with_capacity(size);
    let mut scratch = vec![0; 64 * 1024];
    let mut hashed = 0;
    let mut rest = &json[..];
    while let Some(at) = rest.windows(prefix.len()).position(|w| w == prefix.as_bytes()) {
        body.extend_from_slice(&rest[..at + 1]);
        let after = &rest[at + prefix.len()..];
        let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
        let index: usize =
            std::str::from_utf8(&after[..digits]).ok().and_then(|d| d.parse().ok()).unwrap_or(usize::MAX);
        let tail = b"\\u0001\"";
        match blobs.get(index) {
            Some(blob) if after[digits..].starts_with(tail) => {
                hasher.update(&body[hashed..]);
                // 48 KiB of bytes, 64 KiB of base64 (whole groups of three, so
                // the pieces join into one encoding), encoded and hashed in
                // cache, then copied into the body.
                for piece in blob.chunks(48 * 1024) {
                    let encoded = base64_simd::STANDARD.encode(piece, base64_simd::Out::from_slice(&mut scratch[..]));
                    hasher.update(&*encoded);
                    body.extend_from_slice(encoded);
                }
                hashed = body.len();
                body.push(b'"');
                rest = &after[digits + tail.len()..];
            }
            // Not a marker after all: kept as it is.
            _ => rest = &rest[at + 1..],
        }
    }
    body.extend_from_slice(rest);
    hasher.update(&body[hashed..]);
    Ok(Body { bytes: body.into(), sha256: hasher.finalize().into() })
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let deferred = deferred::BLOBS.with(|b| {
            b.borrow_mut().as_mut().map(|list| {
                list.push(self.0.clone());
                list.len() - 1
            })
        });
        match deferred {
            Some(i) => serializer.serialize_str(&deferred::marker(i)),
            None => serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0)),
        }
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = deserialize_str(deserializer)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Blob::from)
            .map_err(|e| de::Error::custom(format!("invalid base64 blob: {e}")))
    }
}

/// A required member of an answer: `null` (and, with `#[serde(default)]`,
/// a missing member) becomes the type's default instead of an error.
/// (A service whose answers require nothing leaves it unused.)
#[allow(dead_code)]
pub fn or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// A string, borrowed from the input where it can be.
pub fn deserialize_str<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
    struct Str;
    impl<'de> Visitor<'de> for Str {
        type Value = Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
    }
    deserializer.deserialize_str(Str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spliced_blobs_give_the_bytes_plain_serde_json_gives() {
        use sha2::Digest as _;
        #[derive(Serialize)]
        struct Body {
            first: Blob,
            text: String,
            list: Vec<Blob>,
            last: Option<Blob>,
        }
        let lookalike = format!("\0{:016x}:0\u{1}", 0);
        let cases = [
            Body {
                first: Blob::new(vec![0u8, 1, 2, 250]),
                text: "\0 \u{1} \"quoted\"".into(),
                list: vec![],
                last: None,
            },
            Body {
                first: Blob::default(),
                text: lookalike.clone(),
                list: vec![Blob::from(&b"ab"[..]), Blob::new(vec![9; 1000])],
                last: Some(Blob::new(vec![7; 5])),
            },
            Body {
                first: Blob::new((0..=255u8).collect::<Vec<_>>()),
                text: deferred::marker(7),
                list: vec![Blob::new(vec![1])],
                last: None,
            },
            // Larger than one piece, and not a multiple of three.
            Body {
                first: Blob::new((0..200_001u32).map(|i| (i * 7) as u8).collect::<Vec<_>>()),
                text: String::new(),
                list: vec![],
                last: None,
            },
        ];
        for body in &cases {
            let plain = serde_json::to_vec(body).unwrap();
            let spliced = with_blobs_spliced(|| serde_json::to_vec(body)).unwrap();
            assert_eq!(String::from_utf8(spliced.bytes.to_vec()).unwrap(), String::from_utf8(plain.clone()).unwrap());
            assert_eq!(spliced.sha256, <[u8; 32]>::from(sha2::Sha256::digest(&plain)));
        }
        // Nested calls keep their own blobs.
        let expected: Vec<Vec<u8>> = cases.iter().map(|c| serde_json::to_vec(c).unwrap()).collect();
        let outer = with_blobs_spliced(|| {
            let nested = with_blobs_spliced(|| serde_json::to_vec(&cases[0])).unwrap();
            assert_eq!(nested.bytes, expected[0]);
            serde_json::to_vec(&cases[1])
        });
        assert_eq!(outer.unwrap().bytes, expected[1]);
    }

    fn parse(json: &str) -> Result<DateTime, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn timestamps_parse_every_number_form() {
        assert_eq!(parse("1705072146").unwrap(), DateTime::from_secs(1_705_072_146));
        assert_eq!(parse("1.705072146E9").unwrap(), DateTime::from_secs(1_705_072_146));
        assert_eq!(parse("1.705072146e9").unwrap(), DateTime::from_secs(1_705_072_146));
        let fractional = parse("1705072146.123").unwrap();
        assert_eq!((fractional.secs(), fractional.subsec_nanos()), (1_705_072_146, 123_000_000));
        let exp_fraction = parse("1.7050721461234E9").unwrap();
        assert_eq!((exp_fraction.secs(), exp_fraction.subsec_nanos()), (1_705_072_146, 123_400_000));
        let negative = parse("-1.5").unwrap();
        assert_eq!((negative.secs(), negative.subsec_nanos()), (-2, 500_000_000));
    }

    #[test]
    fn timestamps_keep_every_digit_to_the_nanosecond() {
        let exact = |json: &str| {
            let t = parse(json).unwrap();
            (t.secs(), t.subsec_nanos())
        };
        // botocore's float is 1 µs off on a half microsecond; the digits are not.
        assert_eq!(exact("1441110960.0000004"), (1_441_110_960, 400));
        assert_eq!(exact("1700086400.137"), (1_700_086_400, 137_000_000));
        assert_eq!(exact("1700086400.123456789"), (1_700_086_400, 123_456_789));
        assert_eq!(exact("1700086400.1234567891"), (1_700_086_400, 123_456_789), "beyond the nanosecond");
        assert_eq!(exact("1.7000864e9"), (1_700_086_400, 0));
        assert_eq!(exact("1.7000864001E+9"), (1_700_086_400, 100_000_000));
        assert_eq!(exact("17000864001E-1"), (1_700_086_400, 100_000_000));
        assert_eq!(exact("0.5e-8"), (0, 5));
        assert_eq!(exact("-1.5"), (-2, 500_000_000));
        assert_eq!(exact("-0"), (0, 0));
        assert_eq!(exact("0e999"), (0, 0));
        for text in ["1441110960.0000004", "1700086400.137", "-1.5", "1700086400", "-7", "0.000000001"] {
            assert_eq!(serde_json::to_string(&parse(text).unwrap()).unwrap(), text, "written back exactly");
        }
        // Inside a structure, parsed from bytes as answers are.
        #[derive(serde::Deserialize)]
        struct Answer {
            at: DateTime,
        }
        let answer: Answer = serde_json::from_slice(br#"{"at": 1441110960.0000004}"#).unwrap();
        assert_eq!(answer.at.subsec_nanos(), 400);
        assert_eq!(DateTime::from_secs_and_nanos(1, 400).unwrap().to_string(), "1970-01-01T00:00:01.0000004Z");
    }

    #[test]
    fn timestamps_reject_non_numbers_and_out_of_range() {
        assert!(parse("\"2024-01-01\"").unwrap_err().to_string().contains("seconds since the Unix epoch"));
        assert!(parse("1e300").unwrap_err().to_string().contains("out of range"));
        assert!(parse("18446744073709551615").unwrap_err().to_string().contains("out of range"));
        assert!(parse("1e99999999999").unwrap_err().to_string().contains("out of range"));
        assert!(parse("true").unwrap_err().to_string().contains("seconds since the Unix epoch"));
    }

    #[test]
    fn timestamps_serialize_as_integers_or_fractions() {
        assert_eq!(serde_json::to_string(&DateTime::from_secs(1_705_072_146)).unwrap(), "1705072146");
        let t = DateTime::from_secs_f64(1_705_072_146.25).unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "1705072146.25");
    }

    #[test]
    fn timestamps_display_as_rfc3339_and_convert_to_system_time() {
        assert_eq!(DateTime::from_secs(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(DateTime::from_secs_f64(1_705_072_146.5).unwrap().to_string(), "2024-01-12T15:09:06.5Z");
        assert_eq!(DateTime::from_secs(951_782_400).to_string(), "2000-02-29T00:00:00Z");
        let t = DateTime::from_secs_f64(-0.25).unwrap();
        assert_eq!(DateTime::from(SystemTime::from(t)), t);
        let now = DateTime::from(SystemTime::now());
        assert_eq!(DateTime::from(SystemTime::from(now)), now);
    }

    #[test]
    fn rfc3339_parses_what_credential_sources_write() {
        let t = DateTime::parse_rfc3339("2024-01-12T15:09:06Z").unwrap();
        assert_eq!(t, DateTime::from_secs(1_705_072_146));
        assert_eq!(DateTime::parse_rfc3339("2024-01-12T16:09:06+01:00").unwrap(), t);
        assert_eq!(DateTime::parse_rfc3339("2024-01-12T15:09:06.250Z").unwrap().subsec_nanos(), 250_000_000);
        assert_eq!(DateTime::parse_rfc3339("2000-02-29T00:00:00Z").unwrap(), DateTime::from_secs(951_782_400));
        for bad in [
            "",
            "2024-01-12",
            "2024-13-01T00:00:00Z",
            "2024-01-12T15:09:06",
            "x024-01-12T15:09:06Z",
            "2024-01-12T1:2:3+5",
            // Found by hand and by fuzzing: once overflowing or a panic.
            "2024-01-01T00:00:00+999999999999999999:00",
            "99999999999999999-01-01T00:00:00Z",
            "2024-01-01T00:00:00+24:00",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00.12x4Z",
            "+2024-01-01T00:00:00Z",
        ] {
            assert_eq!(DateTime::parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(DateTime::parse_rfc3339("2024-01-12T15:09:06.123456789Z").unwrap().subsec_nanos(), 123_456_789);
        for seconds in [0, 951_782_400, 1_705_072_146, 4_102_444_800] {
            let t = DateTime::from_secs(seconds);
            assert_eq!(DateTime::parse_rfc3339(&t.to_string()), Some(t));
        }
    }

    #[test]
    fn times_beyond_the_clock_saturate() {
        for seconds in [i64::MAX, i64::MIN, i64::MAX - 1, 1 << 62] {
            let t = DateTime::from_secs_and_nanos(seconds, 999_999_999).unwrap();
            let system = SystemTime::from(t);
            assert_eq!(seconds > 0, system > UNIX_EPOCH, "{seconds}");
        }
    }

    #[test]
    fn huge_exponents_are_bounded_before_any_work() {
        // Each once took seconds of CPU (a digit walked per unit of
        // exponent); now they answer at once.
        let started = std::time::Instant::now();
        for zero in ["0e999999999", "0e2147483647", "0.000e2147483647", "-0e99999"] {
            assert_eq!(DateTime::parse_epoch_seconds(zero), Some(DateTime::from_secs(0)), "{zero}");
        }
        for out_of_range in ["1e2147483647", "1e400", "0e2147483648", "1e99999999999"] {
            assert_eq!(DateTime::parse_epoch_seconds(out_of_range), None, "{out_of_range}");
        }
        assert_eq!(DateTime::parse_epoch_seconds("1e-2147483648"), Some(DateTime::from_secs(0)));
        // Before, these took over three seconds in all.
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    }

    #[test]
    fn blobs_are_base64() {
        let blob = Blob::new(b"hello\x00\xff".to_vec());
        let json = serde_json::to_string(&blob).unwrap();
        assert_eq!(json, "\"aGVsbG8A/w==\"");
        assert_eq!(serde_json::from_str::<Blob>(&json).unwrap(), blob);
        let err = serde_json::from_str::<Blob>("\"not base64!\"").unwrap_err();
        assert!(err.to_string().contains("invalid base64 blob"), "{err}");
        assert_eq!(format!("{blob:?}"), "Blob(7 bytes)");
    }
}
